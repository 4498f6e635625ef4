package io.cleave.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A listener's replicas and the choice among them: the less busy of two picked at random among
 * those in rotation (power of two choices over requests outstanding), never one already tried
 * for the same request. When every replica is ejected, ejected ones are tried rather than none.
 */
final class Upstreams {

    private final String label;
    private volatile List<Replica> replicas = List.of();

    /** @param label what the replicas serve, for messages: {@code listener web}, {@code upstream legacy} */
    Upstreams(String label) {
        this.label = label;
    }

    /** Replaces the replicas, keeping the state (outstanding, ejection) of those that stay. */
    synchronized void replace(List<URI> uris) {
        Map<URI, Replica> old = new LinkedHashMap<>();
        for (Replica r : replicas) {
            old.put(r.uri(), r);
        }
        List<Replica> next = new ArrayList<>();
        for (URI uri : uris) {
            URI base = URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
            if (next.stream().noneMatch(r -> r.uri().equals(base))) {
                next.add(old.getOrDefault(base, new Replica(base)));
            }
        }
        replicas = List.copyOf(next);
    }

    List<Replica> all() {
        return replicas;
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
