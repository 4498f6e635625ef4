package io.cleave.load;

import java.io.Serial;

/**
 * A scenario file could not be read or is not valid. The message starts with the file and line
 * ({@code shop.toml:14:}), then names the flow, step and field at fault and says what would be
 * valid, so it can be shown to a person as it is.
 */
public final class ScenarioException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int line;

    ScenarioException(String message, int line) {
        super(message);
        this.line = line;
    }

    /**
     * The line of the file at fault.
     *
     * @return the line, from 1; 0 when the fault is the whole file (it cannot be read)
     */
    public int line() {
        return line;
    }
}
