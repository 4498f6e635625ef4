package io.cleave.resilience.app;

import io.cleave.Component;
import io.cleave.Idempotent;

/** A component without fallbacks; what it does is scripted by the test ({@link Script}). */
@Component
public interface Ledger {

    /**
     * Posts an amount.
     *
     * @param amount the amount
     * @return the balance
     * @throws OverdrawnException when the script says so
     */
    long post(long amount) throws OverdrawnException;

    /**
     * Reads the balance.
     *
     * @return the balance
     */
    @Idempotent
    long balance();
}
