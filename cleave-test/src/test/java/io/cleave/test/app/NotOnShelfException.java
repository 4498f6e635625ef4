package io.cleave.test.app;

import java.io.Serial;

public final class NotOnShelfException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    public NotOnShelfException(String message) {
        super(message);
    }
}
