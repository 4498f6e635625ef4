package io.cleave.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One call sent on a client connection, waited for by its caller's thread. The outcome is the
 * reply's bytes, a {@link Failure}, {@link Overloaded} or {@link TooLarge}; the first outcome wins (a reply racing a
 * timeout).
 */
final class PendingCall {

    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(PendingCall.class, "outcome", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Why a call did not get a reply. */
    record Failure(String reason, boolean certainlyNotDelivered, Throwable cause) {
    }

    /** The server refused to run the call, being at its concurrency limit; it suggests trying again after a while. */
    record Overloaded(String reason, long retryAfterMillis) {
    }

    /** The reply, of {@code bytes} encoded, was too large for a frame this client reads; it was dropped. */
    record TooLarge(int bytes) {
    }

    static final Failure GAVE_UP = new Failure("caller gave up", false, null);

    final int id;
    /** {@link System#nanoTime()} by which the caller stops waiting. */
    final long deadline;
    private final Thread waiter;
    @SuppressWarnings("unused") // accessed through OUTCOME
    private volatile Object outcome;

    PendingCall(int id, long deadline) {
        this.id = id;
        this.deadline = deadline;
        this.waiter = Thread.currentThread();
    }

    /** @return whether this outcome won */
    boolean complete(Object result) {
        if (OUTCOME.compareAndSet(this, null, result)) {
            LockSupport.unpark(waiter);
            return true;
        }
        return false;
    }

    /**
     * Waits for the outcome until the deadline. The wait is not timed: the client's deadline
     * sweep ({@link #expire}) wakes a caller whose deadline passed, so the common call, answered
     * long before its deadline, costs no timer (a timed park arms and disarms one per call, and
     * wakes the timer thread when it is the earliest).
     *
     * @return the outcome, or {@code null} when the deadline passed or the thread was
     *     interrupted first (the call is then marked given up; the interrupt flag stays set)
     */
    Object await() {
        while (true) {
            Object o = outcome;
            if (o == GAVE_UP) {
                return null;
            }
            if (o != null) {
                return o;
            }
            if (deadline - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
                if (complete(GAVE_UP)) {
                    return null;
                }
                continue;
            }
            LockSupport.park(this);
        }
    }

    /** Gives up the call if its deadline passed by {@code now}, waking its caller. */
    boolean expire(long now) {
        return deadline - now <= 0 && complete(GAVE_UP);
    }
}
