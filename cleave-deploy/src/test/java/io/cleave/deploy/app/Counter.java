package io.cleave.deploy.app;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;

/** Counts per name, in memory: each replica has its own counts, so routing by key matters. */
@Component
public interface Counter {

    /**
     * Adds one; not idempotent.
     *
     * @param name what to count
     * @return the count after adding
     */
    long increment(@Key String name);

    /**
     * @param name what was counted
     * @return the count on the replica that owns the name
     */
    @Idempotent
    long count(@Key String name);

    /** @return the process id of the replica that served the call (no key: any replica) */
    @Idempotent
    long pid();

    /**
     * @param key a routing key
     * @return the process id of the replica the key routes to
     */
    @Idempotent
    long pidFor(@Key String key);

    /**
     * @param millis how long to take
     * @return the process id of the replica that served the call
     */
    long sleep(long millis);

    /**
     * @param bytes how many
     * @return that many zero bytes: a reply of any size
     */
    @Idempotent
    byte[] fill(int bytes);
}
