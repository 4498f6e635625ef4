package io.cleave.deploy.app;

import java.io.Serial;

/** A visitor without a name; declared, so it crosses processes as itself. */
public class NamelessException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message why */
    public NamelessException(String message) {
        super(message);
    }
}
