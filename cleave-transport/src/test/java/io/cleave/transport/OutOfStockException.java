package io.cleave.transport;

import java.io.Serial;

/** A declared checked exception of {@link Echo#reserve}. */
public final class OutOfStockException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public OutOfStockException(String message) {
        super(message);
    }
}
