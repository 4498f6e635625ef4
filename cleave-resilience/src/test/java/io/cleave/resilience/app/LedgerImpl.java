package io.cleave.resilience.app;

import java.util.concurrent.atomic.AtomicLong;

/** Does what the {@link Script} says. */
public final class LedgerImpl implements Ledger {

    private final AtomicLong balance = new AtomicLong();

    /** Creates it. */
    public LedgerImpl() {
    }

    @Override
    public long post(long amount) throws OverdrawnException {
        Script.LEDGER.enter();
        return balance.addAndGet(amount);
    }

    @Override
    public long balance() {
        try {
            Script.LEDGER.enter();
        } catch (OverdrawnException e) {
            throw new IllegalStateException(e);
        }
        return balance.get();
    }
}
