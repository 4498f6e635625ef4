package io.cleave.events;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What the fakes of these tests do inside work that cannot throw a checked exception. */
final class Fakes {

    private Fakes() {
    }

    /** Waits for a latch, 10 s at most. */
    static void latch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stands for the time a fake's work takes: not a wait for anything. */
    static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
