package io.cleave.events;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition, bounded; a timeout fails with what was last seen. */
final class Await {

    private Await() {
    }

    static void until(String what, Duration limit, BooleanSupplier condition, Supplier<Object> seen) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what + "; last seen: " + seen.get());
            }
            Thread.sleep(20);
        }
    }

    /** Waits for a latch inside a fake's work (which cannot throw), 10 s at most. */
    static void latch(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stands for the time a fake's work takes (which cannot throw): not a wait for anything. */
    static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
