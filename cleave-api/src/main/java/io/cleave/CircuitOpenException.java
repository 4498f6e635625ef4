package io.cleave;

import java.io.Serial;
import java.time.Duration;

/**
 * The caller's circuit breaker for a component is open: recent calls to it failed or were too
 * slow ({@code [resilience]} breaker settings), so this call was refused in the caller without
 * being sent, until the breaker lets a few probe calls through again.
 */
public class CircuitOpenException extends CallRejectedException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which component and method, and why the breaker opened
     * @param retryAfter when the breaker lets probe calls through again
     */
    public CircuitOpenException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
