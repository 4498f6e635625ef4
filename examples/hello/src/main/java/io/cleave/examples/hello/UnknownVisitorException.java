package io.cleave.examples.hello;

import java.io.Serial;

/** The visitor gave no name. A checked exception declared by {@link Greeter#greet}. */
public class UnknownVisitorException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message why the visitor is unknown */
    public UnknownVisitorException(String message) {
        super(message);
    }
}
