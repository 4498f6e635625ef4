package io.cleave.shop.inventory;

import java.io.Serial;

/** A product has fewer units available than asked for. */
public class OutOfStockException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the product or order
     */
    public OutOfStockException(String message) {
        super(message);
    }
}
