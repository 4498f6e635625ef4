package io.cleave.load;

import java.io.Serial;

/**
 * The target refused or did not accept the load generator's connections before the run started.
 * The message is one line naming the address and the reason, fit to show as it is.
 */
public final class TargetUnreachableException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    TargetUnreachableException(String message) {
        super(message);
    }
}
