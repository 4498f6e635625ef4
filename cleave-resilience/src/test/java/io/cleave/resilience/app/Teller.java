package io.cleave.resilience.app;

import io.cleave.Component;

/** A component that asks for {@link Ledger}: the calls its process makes to Ledger are listed by status. */
@Component
public interface Teller {

    /**
     * Reads the ledger's balance.
     *
     * @return the balance
     */
    long balance();
}
