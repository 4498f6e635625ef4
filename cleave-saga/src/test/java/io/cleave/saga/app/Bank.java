package io.cleave.saga.app;

import io.cleave.Component;

/** A component whose implementation orchestrates transfers as sagas; it exists so the processor generates their state's codec. */
@Component
public interface Bank {

    /**
     * Moves money.
     *
     * @param id the transfer's id
     * @param amount how much
     * @return the outcome's name
     */
    String transfer(String id, long amount);
}
