package io.cleave.resilience.app;

import io.cleave.ComponentUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What a test component does on each call, set by the test; counts the calls that reached it. */
public final class Script {

    /** How a call ends. */
    public enum Mode {
        /** answers */
        ANSWER,
        /** throws an undeclared exception */
        FAIL,
        /** throws the declared business exception */
        DECLINED,
        /** throws ComponentUnavailableException, as an unreachable dependency of the callee would */
        UNAVAILABLE,
        /** waits until released, or interrupted */
        BLOCK
    }

    /** The ledger's script. */
    public static final Script LEDGER = new Script();
    /** The warehouse's script. */
    public static final Script WAREHOUSE = new Script();

    /** Calls that reached the component. */
    public final AtomicInteger calls = new AtomicInteger();
    /** Calls that were interrupted while blocked. */
    public final AtomicInteger interrupted = new AtomicInteger();
    /** Counted down by each call that starts blocking. */
    public volatile CountDownLatch blocked = new CountDownLatch(0);
    private volatile Mode mode = Mode.ANSWER;
    private volatile CountDownLatch release = new CountDownLatch(0);

    private Script() {
    }

    /**
     * Sets what calls do from now on.
     *
     * @param next the mode
     */
    public void set(Mode next) {
        if (next == Mode.BLOCK) {
            release = new CountDownLatch(1);
        } else {
            release.countDown();
        }
        mode = next;
    }

    /** Back to answering, counts cleared. */
    public void reset() {
        set(Mode.ANSWER);
        calls.set(0);
        interrupted.set(0);
        blocked = new CountDownLatch(0);
    }

    void enter() throws OverdrawnException {
        calls.incrementAndGet();
        switch (mode) {
            case ANSWER -> {
            }
            case FAIL -> throw new IllegalStateException("scripted failure");
            case DECLINED -> throw new OverdrawnException("scripted: overdrawn");
            case UNAVAILABLE -> throw new ComponentUnavailableException("scripted: a dependency is unreachable", false);
            case BLOCK -> {
                blocked.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while blocked");
                }
            }
        }
    }
}
