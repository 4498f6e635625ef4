package io.cleave.cache;

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
}
