package io.cleave.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One call sent on a client connection, waited for by its caller's thread. The outcome is the
 * reply's bytes or a {@link Failure}; the first outcome wins (a reply racing a timeout).
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

    static final Failure GAVE_UP = new Failure("caller gave up", false, null);

    final int id;
    private final Thread waiter;
    @SuppressWarnings("unused") // accessed through OUTCOME
    private volatile Object outcome;

    PendingCall(int id) {
        this.id = id;
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
     * Waits for the outcome until the deadline.
     *
     * @return the outcome, or {@code null} when the deadline passed or the thread was
     *     interrupted first (the call is then marked given up; the interrupt flag stays set)
     */
    Object await(long deadline) {
        while (true) {
            Object o = outcome;
            if (o != null) {
                return o;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                if (complete(GAVE_UP)) {
                    return null;
                }
                continue;
            }
            LockSupport.parkNanos(this, left);
        }
    }
}
