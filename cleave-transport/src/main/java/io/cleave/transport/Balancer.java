package io.cleave.transport;

/**
 * How a client spreads calls without a routing key over the healthy replicas of a component.
 * Calls to a method with an {@link io.cleave.Key} parameter always use consistent
 * (rendezvous) hashing of the key instead, so equal keys reach the same replica.
 */
public enum Balancer {
    /** Each replica in turn. */
    ROUND_ROBIN,
    /** Of two replicas picked at random, the one with fewer calls in flight ("power of two choices"). */
    LEAST_OUTSTANDING
}
