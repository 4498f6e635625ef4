package io.cleave.shop.checkout;

import java.io.Serial;

/** An order could not be completed for a reason other than the customer's input: a component failed, or another request is placing the same order. */
public class CheckoutFailedException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a message for the customer
     */
    public CheckoutFailedException(String message) {
        super(message);
    }
}
