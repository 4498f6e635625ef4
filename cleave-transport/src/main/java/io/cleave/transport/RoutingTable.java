package io.cleave.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The current replicas of one component, as published by whoever deploys it (the supervisor,
 * Kubernetes discovery, or a test). Thread-safe; readers get immutable snapshots, so an
 * update never disturbs calls being routed.
 *
 * <p>Routing reads the table on every call: a replica added is used by the next call, a
 * replica removed gets no new calls (calls already sent to it finish normally).
 */
public final class RoutingTable {

    private volatile List<Replica> replicas;

    private RoutingTable(List<Replica> replicas) {
        this.replicas = replicas;
    }

    /**
     * @param replicas the initial replicas; duplicates are dropped
     * @return a table holding them
     */
    public static RoutingTable of(Replica... replicas) {
        return of(List.of(replicas));
    }

    /**
     * @param replicas the initial replicas; duplicates are dropped
     * @return a table holding them
     */
    public static RoutingTable of(Collection<Replica> replicas) {
        return new RoutingTable(List.copyOf(new LinkedHashSet<>(replicas)));
    }

    /** @return the replicas now, in insertion order; an immutable snapshot */
    public List<Replica> replicas() {
        return replicas;
    }

    /**
     * Adds a replica; no effect if present.
     *
     * @param replica the new replica
     */
    public synchronized void add(Replica replica) {
        if (!replicas.contains(replica)) {
            List<Replica> next = new ArrayList<>(replicas);
            next.add(replica);
            replicas = List.copyOf(next);
        }
    }

    /**
     * Removes a replica; no effect if absent.
     *
     * @param replica the replica to stop routing to
     */
    public synchronized void remove(Replica replica) {
        if (replicas.contains(replica)) {
            List<Replica> next = new ArrayList<>(replicas);
            next.remove(replica);
            replicas = List.copyOf(next);
        }
    }

    /**
     * Replaces the whole set at once.
     *
     * @param replicas the new replicas; duplicates are dropped
     */
    public synchronized void replaceAll(Collection<Replica> replicas) {
        this.replicas = List.copyOf(new LinkedHashSet<>(replicas));
    }

    @Override
    public String toString() {
        return "RoutingTable" + replicas;
    }
}
