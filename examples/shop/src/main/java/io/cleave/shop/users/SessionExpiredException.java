package io.cleave.shop.users;

import java.io.Serial;

/**
 * A session token is unknown, closed or past its expiry; the client must log in again.
 */
public class SessionExpiredException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a message for the client
     */
    public SessionExpiredException(String message) {
        super(message);
    }
}
