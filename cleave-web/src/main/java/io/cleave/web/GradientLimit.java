package io.cleave.web;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.helidon.common.concurrency.limits.Limit;
import java.util.Optional;

/**
 * A listener's concurrency limit driven by latency: Netflix concurrency-limits' gradient
 * algorithm ({@link Gradient2Limit}) behind Helidon's {@link Limit}, which the web server asks
 * before it routes a request. The limit follows the ratio of the recent latency to its long-term
 * average: while requests take no longer than {@code tolerance} times their usual time it grows,
 * once they take longer it shrinks, so a spike is turned away with {@code 503} before it queues
 * (an AIMD limit waits for a request to pass a fixed slow-request time, which at a few
 * milliseconds per page means seconds of queueing first).
 */
final class GradientLimit implements Limit {

    private static final String ORIGIN = "cleave-listener";
    private static final String TYPE = "gradient";

    private final ListenerSettings.Concurrency settings;
    private final SimpleLimiter<Void> limiter;

    GradientLimit(ListenerSettings.Concurrency settings) {
        this.settings = settings;
        this.limiter = SimpleLimiter.newBuilder()
                .named("cleave-listener")
                .limit(Gradient2Limit.newBuilder()
                        .initialLimit(settings.min())
                        .minLimit(settings.min())
                        .maxConcurrency(settings.max())
                        .rttTolerance(settings.tolerance())
                        .build())
                .build();
    }

    /** Never waits: over the limit the request is refused at once ({@code 503}), whatever Helidon asks. */
    @Override
    public Outcome tryAcquireOutcome(boolean wait) {
        Optional<Limiter.Listener> listener = limiter.acquire(null);
        return listener.isPresent() ? Outcome.immediateAcceptance(ORIGIN, TYPE, token(listener.get()))
                : Outcome.immediateRejection(ORIGIN, TYPE);
    }

    @Override
    public Outcome tryAcquireOutcome() {
        return tryAcquireOutcome(false);
    }

    /** Helidon's older form of {@link #tryAcquireOutcome(boolean)}, which it still requires. */
    @Override
    @Deprecated(forRemoval = true)
    @SuppressWarnings("removal")
    public Optional<Token> tryAcquire(boolean wait) {
        return limiter.acquire(null).map(GradientLimit::token);
    }

    /** Helidon's older form of {@link #tryAcquireOutcome()}, which it still requires. */
    @Override
    @Deprecated(forRemoval = true)
    @SuppressWarnings("removal")
    public Optional<Token> tryAcquire() {
        return tryAcquire(false);
    }

    private static Token token(Limiter.Listener listener) {
        return new Token() {
            @Override
            public void dropped() {
                listener.onDropped();
            }

            @Override
            public void ignore() {
                listener.onIgnore();
            }

            @Override
            public void success() {
                listener.onSuccess();
            }
        };
    }

    /** A limit of its own, starting afresh, for another socket of the server. */
    @Override
    public Limit copy() {
        return new GradientLimit(settings);
    }

    @Override
    public String name() {
        return ORIGIN;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** @return the limit now, for tests and status */
    int limit() {
        return limiter.getLimit();
    }
}
