package io.cleave.shop.checkout;

import java.io.Serial;

/** The customer has no order with the given id. */
public class UnknownOrderException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a message for the customer
     */
    public UnknownOrderException(String message) {
        super(message);
    }
}
