package io.cleave.transport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** A call made on a virtual thread of its own, keeping what it threw for the test to assert on. */
final class CallerThread {

    private final AtomicReference<Throwable> thrown = new AtomicReference<>();
    private final Thread thread;

    CallerThread(Callable<?> call) {
        thread = Thread.ofVirtual().start(() -> {
            try {
                call.call();
            } catch (Throwable t) {
                thrown.set(t); // kept: the test asserts its type and message
            }
        });
    }

    void interrupt() {
        thread.interrupt();
    }

    /**
     * Waits for the call to end.
     *
     * @return what it threw, or null if it returned
     * @throws AssertionError if it is still running after {@code wait}
     */
    Throwable thrown(Duration wait) throws InterruptedException {
        if (!thread.join(wait)) {
            throw new AssertionError("the call is still running after " + wait);
        }
        return thrown.get();
    }
}
