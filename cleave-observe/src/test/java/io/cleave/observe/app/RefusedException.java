package io.cleave.observe.app;

import java.io.Serial;

/** What {@link Back#refuse} declares. */
public final class RefusedException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message why */
    public RefusedException(String message) {
        super(message);
    }
}
