package io.cleave.saga.app;

import io.cleave.Saga;
import io.cleave.Store;

/** Never constructed by the tests; its constructor makes the processor generate {@code Transfer_Codec}. */
public final class BankImpl implements Bank {

    /**
     * Creates it.
     *
     * @param store its store, where transfers are journaled
     * @param transfers the transfer saga
     */
    public BankImpl(Store store, Saga<Transfer> transfers) {
    }

    @Override
    public String transfer(String id, long amount) {
        throw new UnsupportedOperationException("not used by the tests");
    }
}
