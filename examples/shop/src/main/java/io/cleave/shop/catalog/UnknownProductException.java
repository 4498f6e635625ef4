package io.cleave.shop.catalog;

import java.io.Serial;

/** No product has the given id. */
public class UnknownProductException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the id
     */
    public UnknownProductException(String message) {
        super(message);
    }
}
