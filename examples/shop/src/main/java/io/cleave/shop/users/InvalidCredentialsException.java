package io.cleave.shop.users;

import java.io.Serial;

/**
 * No account matches the given e-mail address and password.
 */
public class InvalidCredentialsException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a message for the client
     */
    public InvalidCredentialsException(String message) {
        super(message);
    }
}
