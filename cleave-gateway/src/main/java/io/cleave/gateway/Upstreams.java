package io.cleave.gateway;

import io.helidon.webclient.http1.Http1Client;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A listener's replicas and the choice among them: the less busy of two picked at random among
 * those in rotation (power of two choices over requests outstanding), never one already tried
 * for the same request. When every replica is ejected, ejected ones are tried rather than none.
 * Replicas no longer listed are {@linkplain Replica#retire() retired}: they finish the requests they
 * have in flight, then close their connections.
 */
final class Upstreams {

    private final String label;
    private final Supplier<Http1Client> pools;
    private volatile List<Replica> replicas = List.of();
    private volatile boolean retired;

    /**
     * @param label what the replicas serve, for messages: {@code listener web}, {@code upstream legacy}
     * @param pools makes each new replica's pool of connections
     */
    Upstreams(String label, Supplier<Http1Client> pools) {
        this.label = label;
        this.pools = pools;
    }

    /**
     * Replaces the replicas, keeping those that stay (their connections, requests outstanding, ejection)
     * and retiring those that go. Does nothing once this upstream was {@linkplain #retire() retired}: a
     * deployer may still report a listener's replicas while the gateway closes.
     */
    synchronized void replace(List<URI> uris) {
        if (!retired) {
            swap(uris);
        }
    }

    private void swap(List<URI> uris) {
        Map<URI, Replica> old = new LinkedHashMap<>();
        for (Replica r : replicas) {
            old.put(r.uri(), r);
        }
        List<Replica> next = new ArrayList<>();
        for (URI uri : uris) {
            URI base = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
            if (next.stream().noneMatch(r -> r.uri().equals(base))) {
                Replica kept = old.remove(base);
                next.add(kept != null ? kept : new Replica(base, pools.get()));
            }
        }
        replicas = List.copyOf(next);
        // after the swap: a request that picked one of these just before finds it retired and picks again
        old.values().forEach(Replica::retire);
    }

    /**
     * Removes the upstream for good: every replica is retired (finishing its requests in flight), and
     * a request that was routed here but has not begun on a replica should be routed again.
     */
    synchronized void retire() {
        retired = true; // first: a request finding no replica left then knows to route again
        swap(List.of());
    }

    /** Whether {@link #retire()} removed it. */
    boolean retired() {
        return retired;
    }

    /** The replicas in rotation or ejected: every one listed. */
    List<Replica> all() {
        return replicas;
    }

    /** The base URLs of the replicas, in order. */
    List<URI> uris() {
        return replicas.stream().map(Replica::uri).toList();
    }

    String label() {
        return label;
    }

    /**
     * Picks a replica for a request.
     *
     * @param tried replicas this request already failed on
     * @return the replica, or empty when the listener has none left to try
     */
    Optional<Replica> pick(Set<Replica> tried) {
        List<Replica> all = replicas;
        long now = System.nanoTime();
        List<Replica> candidates = new ArrayList<>(all.size());
        for (Replica r : all) {
            if (r.healthy(now) && !tried.contains(r)) {
                candidates.add(r);
            }
        }
        if (candidates.isEmpty()) {
            for (Replica r : all) {
                if (!tried.contains(r)) {
                    candidates.add(r); // all ejected: better a replica that may have recovered than certain failure
                }
            }
        }
        return switch (candidates.size()) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(candidates.get(0));
            default -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int i = random.nextInt(candidates.size());
                int j = random.nextInt(candidates.size() - 1);
                if (j >= i) {
                    j++;
                }
                Replica a = candidates.get(i);
                Replica b = candidates.get(j);
                yield Optional.of(a.outstanding() <= b.outstanding() ? a : b);
            }
        };
    }
}
