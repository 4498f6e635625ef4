package io.cleave.examples.hello;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;

/** Counts visits per name. With several replicas, each name sticks to one replica. */
@Component
public interface Counter {

    /**
     * Adds one visit.
     *
     * @param name the visitor's name
     * @return the count after this visit
     */
    long increment(@Key String name);

    /**
     * Reads the count without changing it; safe to retry.
     *
     * @param name the visitor's name
     * @return the count, 0 for a new name
     */
    @Idempotent
    long count(@Key String name);
}
