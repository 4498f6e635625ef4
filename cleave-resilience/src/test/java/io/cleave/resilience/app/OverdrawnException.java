package io.cleave.resilience.app;

import java.io.Serial;

/** The ledger's business failure: declared, so the callee's answer rather than its failure. */
public class OverdrawnException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * @param message why
     */
    public OverdrawnException(String message) {
        super(message);
    }
}
