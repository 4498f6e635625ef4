package io.cleave.events.app;

import io.cleave.Component;
import io.cleave.Subscribe;
import java.util.List;

/** The subscriber of the tests: records every {@link Posted} it applies. */
@Component
public interface Audit {

    /**
     * Applies a posted entry once; refuses amount -1 until {@link #acceptNegative()}.
     *
     * @param event the entry
     * @param eventId its id
     */
    @Subscribe
    void posted(Posted event, String eventId);

    /** From now on, amount -1 is applied like any other. */
    void acceptNegative();

    /** @return every applied entry in the order applied, as {@code account:n}, duplicates included */
    List<String> seen();

    /**
     * For the benchmark, whose amounts are the publish time in microseconds since the epoch: how long
     * after it each entry of accounts starting with {@code prefix} was applied.
     *
     * @param prefix the accounts' prefix
     * @return microseconds, in the order applied
     */
    List<Long> latenciesMicros(String prefix);

    /**
     * @return the events set aside for Audit when they come through Kafka (table
     *     {@code cleave_kafka_dead_letter} of its schema, those not being delivered again), as
     *     {@code subscriber key: error}; empty without Kafka
     */
    List<String> kafkaDeadLetters();

    /** @return how many event ids its inbox holds ({@code cleave_inbox}) */
    long inboxSize();

    /** @return the pid of the process hosting the audit */
    long pid();
}
