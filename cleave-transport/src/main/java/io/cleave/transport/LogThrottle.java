package io.cleave.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through one log line per interval of a kind a peer can cause at will (refused connections,
 * refused or shed calls), and counts the rest, so a flood of them cannot flood the log. The first
 * one is always let through.
 */
final class LogThrottle {

    private final long everyNanos;
    private final AtomicLong last;
    private final AtomicInteger suppressed = new AtomicInteger();

    LogThrottle(long every, TimeUnit unit) {
        this.everyNanos = unit.toNanos(every);
        this.last = new AtomicLong(System.nanoTime() - everyNanos); // nanoTime may be negative: long ago, not 0
    }

    /** @return -1 when this one is not to be logged; else how many were not logged since the last one that was */
    int admit() {
        long now = System.nanoTime();
        long then = last.get();
        if (now - then >= everyNanos && last.compareAndSet(then, now)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
