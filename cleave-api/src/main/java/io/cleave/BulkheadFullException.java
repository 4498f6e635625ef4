package io.cleave;

import java.io.Serial;
import java.time.Duration;

/**
 * This process already has as many calls in flight to a component as its bulkhead allows
 * ({@code [resilience] bulkhead}), so this call was refused at once, in the caller, rather than
 * queued behind them: a slow callee cannot take every thread of its callers with it.
 */
public class BulkheadFullException extends CallRejectedException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which component and method, and the bulkhead's size
     * @param retryAfter how long a caller should wait before trying again
     */
    public BulkheadFullException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
