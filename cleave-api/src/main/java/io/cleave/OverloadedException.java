package io.cleave;

import java.io.Serial;
import java.time.Duration;

/**
 * The callee's process refused the call before running it, because it is serving as many calls
 * as its concurrency limit allows (the limit adapts to the latency it measures): shedding the
 * excess at once instead of queueing it. Another replica may take it; an HTTP edge answers 503.
 */
public class OverloadedException extends CallRejectedException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which component, method and replica, and the limit
     * @param retryAfter how long a caller should wait before trying again
     */
    public OverloadedException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
