package io.cleave.shop;

import java.io.Serial;

/**
 * A caller passed a value the shop cannot accept: a malformed e-mail address, a quantity out of
 * range, an empty cart at checkout. The message names the value and says what would be valid;
 * it is meant to be shown to the person who typed it.
 */
public class InvalidInputException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and what would be valid
     */
    public InvalidInputException(String message) {
        super(message);
    }
}
