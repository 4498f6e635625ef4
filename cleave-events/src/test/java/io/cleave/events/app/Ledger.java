package io.cleave.events.app;

import io.cleave.Component;
import java.util.List;

/** The publisher of the tests: posts entries and publishes {@link Posted} in the same transaction. */
@Component
public interface Ledger {

    /**
     * Posts an entry and publishes it, in one transaction.
     *
     * @param account the account
     * @param amount how much
     * @return the entry's number within the account
     */
    long post(String account, long amount);

    /**
     * Posts an entry in the same transaction as {@link #post}, without publishing it: the
     * baseline of the cost of publishing.
     *
     * @param account the account
     * @param amount how much
     * @return the entry's number within the account
     */
    long postWithoutEvent(String account, long amount);

    /**
     * Posts an entry and publishes it, then fails, so the transaction rolls back.
     *
     * @param account the account
     */
    void postThenFail(String account);

    /** @return every committed entry, as {@code account:n} */
    List<String> entries();

    /** @return the dead letters of {@link Posted}, as {@code subscriber key: error} */
    List<String> deadLetters();

    /** @return how many dead letters were put back */
    int replayDeadLetters();

    /** @return the pid of the process hosting the ledger */
    long pid();
}
