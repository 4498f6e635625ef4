package io.cleave.runtime.basket;

import java.io.Serial;

public final class OutOfStockException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public OutOfStockException(String message) {
        super(message);
    }
}
