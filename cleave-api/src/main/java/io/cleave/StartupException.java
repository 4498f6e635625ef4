package io.cleave;

import java.io.Serial;

/**
 * The application could not start: invalid configuration, an unsatisfiable component graph, or
 * a component whose construction or {@link Lifecycle#start()} failed. The message names what
 * is at fault (file, line and key; component and parameter) and, where it can, what would be
 * valid. Nothing of the application is left running when it is thrown.
 */
public class StartupException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and where
     */
    public StartupException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed and where
     * @param cause the underlying failure
     */
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
