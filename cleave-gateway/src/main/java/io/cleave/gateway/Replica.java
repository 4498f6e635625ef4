package io.cleave.gateway;

import io.helidon.webclient.http1.Http1Client;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream replica of a listener or named upstream: its pooled connections, its requests in
 * flight (what the balancer compares) and whether it is ejected after failures, for a time that
 * doubles with each failure in a row. A replica {@linkplain #retire() retired} (no longer listed)
 * takes no new request and closes its connections once those in flight have ended.
 */
final class Replica {

    static final Duration FIRST_EJECTION = Duration.ofSeconds(1);
    static final Duration LONGEST_EJECTION = Duration.ofSeconds(30);

    /** {@link #outstanding} once retired and idle: connections closed, no request may begin. */
    private static final int CLOSED = -1;

    private final URI uri;
    private final Http1Client client;
    /** Requests in flight; {@link #CLOSED} once retired with none. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean retired;
    private volatile long ejectedUntil = System.nanoTime();
    private volatile int failures;
    private volatile String lastFailure = "";

    /**
     * @param uri its base URL, {@code http://host:port}
     * @param client its own pool of keep-alive connections, closed when it is retired and idle
     */
    Replica(URI uri, Http1Client client) {
        this.uri = uri;
        this.client = client;
    }

    URI uri() {
        return uri;
    }

    /** What requests to this replica are sent with (its pool of connections). */
    Http1Client client() {
        return client;
    }

    int outstanding() {
        return Math.max(0, outstanding.get());
    }

    /**
     * Counts a request in flight, unless the replica was retired since it was picked; every {@code true}
     * must be followed by {@link #end()}.
     *
     * @return false when retired: the request must go to another replica
     */
    boolean begin() {
        while (true) {
            int n = outstanding.get();
            if (n == CLOSED || retired) {
                return false;
            }
            if (outstanding.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** A request begun here has ended; the last one of a retired replica closes its connections. */
    void end() {
        if (outstanding.decrementAndGet() == 0 && retired) {
            closeIfIdle();
        }
    }

    /**
     * Takes the replica out for good (its upstream no longer lists it): no request begins here from now
     * on, and its pooled connections close as soon as no request is in flight (at once when none is).
     */
    void retire() {
        retired = true;
        closeIfIdle();
    }

    /** Whether it was retired: no longer listed by its upstream. */
    boolean retired() {
        return retired;
    }

    /** Whether it was retired and its connections closed (no request in flight remained). */
    boolean closed() {
        return outstanding.get() == CLOSED;
    }

    private void closeIfIdle() {
        if (outstanding.compareAndSet(0, CLOSED)) {
            client.closeResource();
        }
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
