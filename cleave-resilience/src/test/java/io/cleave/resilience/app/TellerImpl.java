package io.cleave.resilience.app;

/** Asks the ledger. */
public final class TellerImpl implements Teller {

    private final Ledger ledger;

    /**
     * Creates it.
     *
     * @param ledger the ledger it asks
     */
    public TellerImpl(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public long balance() {
        return ledger.balance();
    }
}
