package io.cleave;

import java.io.Serial;

/**
 * Thrown by a {@link Listener.Handler} to answer the client with an error status and a message
 * meant for it, such as {@code 404 no product "x-1"} or {@code 409 cart is already checked
 * out}. The client receives {@code {"status":404,"error":"no product \"x-1\""}} as JSON. No
 * stack trace is logged: this is an expected outcome, not a fault.
 */
public class HttpError extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the error.
     *
     * @param status an HTTP error status, 400 to 599
     * @param message what the client did wrong or what is unavailable, shown to the client
     * @throws IllegalArgumentException if the status is not an error status
     */
    public HttpError(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("HTTP error status must be 400 to 599, got " + status);
        }
        this.status = status;
    }

    /**
     * The status to answer with.
     *
     * @return the HTTP status, 400 to 599
     */
    public int status() {
        return status;
    }
}
