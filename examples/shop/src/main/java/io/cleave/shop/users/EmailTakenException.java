package io.cleave.shop.users;

import java.io.Serial;

/**
 * An account with the given e-mail address already exists.
 */
public class EmailTakenException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a message for the client
     */
    public EmailTakenException(String message) {
        super(message);
    }
}
