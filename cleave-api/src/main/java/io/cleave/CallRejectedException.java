package io.cleave;

import java.io.Serial;
import java.time.Duration;

/**
 * A call was refused at once, before it reached the callee, to protect a component that is
 * failing or overloaded: a caller may try again after {@link #retryAfter()} (an HTTP edge
 * answers 503 with that {@code Retry-After}), or use a fallback. Always
 * {@linkplain #certainlyNotDelivered() certainly not delivered}. Its subclasses say who refused.
 */
public abstract class CallRejectedException extends ComponentUnavailableException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message which component and method, and why
     * @param retryAfter how long a caller should wait before trying again
     */
    protected CallRejectedException(String message, Duration retryAfter) {
        super(message, true);
        this.retryAfter = retryAfter;
    }

    /** @return how long a caller should wait before trying again */
    public Duration retryAfter() {
        return retryAfter;
    }
}
