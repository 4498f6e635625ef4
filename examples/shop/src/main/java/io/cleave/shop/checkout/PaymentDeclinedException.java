package io.cleave.shop.checkout;

import java.io.Serial;

/** The payment provider declined the card; the order failed and its stock was released. */
public class PaymentDeclinedException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a message for the customer
     */
    public PaymentDeclinedException(String message) {
        super(message);
    }
}
