package io.cleave.gateway;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream replica of a listener: its requests in flight (what the balancer compares) and
 * whether it is ejected after failures, for a time that doubles with each failure in a row.
 */
final class Replica {

    static final Duration FIRST_EJECTION = Duration.ofSeconds(1);
    static final Duration LONGEST_EJECTION = Duration.ofSeconds(30);

    private final URI uri;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long ejectedUntil = System.nanoTime();
    private volatile int failures;
    private volatile String lastFailure = "";

    Replica(URI uri) {
        this.uri = uri;
    }

    URI uri() {
        return uri;
    }

    int outstanding() {
        return outstanding.get();
    }

    void begin() {
        outstanding.incrementAndGet();
    }

    void end() {
        outstanding.decrementAndGet();
    }

    boolean healthy(long nanoTime) {
        return nanoTime - ejectedUntil >= 0;
    }

    /**
     * A connect failure, reset or timeout of a request: out of rotation for 1 s, 2 s, 4 s ... 30 s
     * with each failure in a row. A replica already out stays out no longer for the failures of
     * requests that were in flight when it failed.
     *
     * @return whether this ejected it
     */
    synchronized boolean fail(long nanoTime, String why) {
        if (!healthy(nanoTime)) {
            return false;
        }
        eject(nanoTime, ejection(), why);
        return true;
    }

    /**
     * A probe got no answer: out of rotation at least until the next probe has had its chance,
     * so an unanswering replica (a stopped process) never returns between two failed probes.
     *
     * @return whether this ejected it (it was in rotation)
     */
    synchronized boolean failProbe(long nanoTime, Duration atLeast, String why) {
        boolean wasHealthy = healthy(nanoTime);
        long nanos = Math.max(ejection(), atLeast.toNanos());
        if (nanoTime + nanos - ejectedUntil > 0) {
            eject(nanoTime, nanos, why);
        }
        return wasHealthy;
    }

    private long ejection() {
        return Math.min(LONGEST_EJECTION.toNanos(), FIRST_EJECTION.toNanos() << Math.min(failures, 5));
    }

    private void eject(long nanoTime, long nanos, String why) {
        failures = failures + 1;
        ejectedUntil = nanoTime + nanos;
        lastFailure = why;
    }

    /** A probe answered while in rotation: its next failure starts the ejections afresh. */
    void succeed(long nanoTime) {
        if (healthy(nanoTime)) {
            failures = 0;
        }
    }

    String lastFailure() {
        return lastFailure;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
