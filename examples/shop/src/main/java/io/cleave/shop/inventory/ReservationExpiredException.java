package io.cleave.shop.inventory;

import java.io.Serial;

/** A reservation can no longer be committed: it expired, was released, or never existed. */
public class ReservationExpiredException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the product or order
     */
    public ReservationExpiredException(String message) {
        super(message);
    }
}
