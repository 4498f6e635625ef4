package io.cleave.runtime.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where components run when the application is split into processes, from {@code [multi]}:
 * colocation groups (components sharing a process) and replica counts. The runtime has
 * validated it: every name is a component of the application, no component is in two groups,
 * no group is empty, and every replica count is at least 1.
 *
 * <pre>{@code
 * [multi]
 * groups = [["Cart", "Checkout"], ["Catalog"]]
 * [multi.replicas]
 * Catalog = 2
 * }</pre>
 *
 * @param groups the configured groups, in file order; a component in none runs alone
 * @param replicas replica counts by component name; absent means 1
 */
public record Topology(List<List<String>> groups, Map<String, Integer> replicas) {

    /** Copies the lists and map. */
    public Topology {
        groups = groups.stream().map(List::copyOf).toList();
        replicas = Map.copyOf(replicas);
    }

    /**
     * The group a component runs in: its configured group, or itself alone.
     *
     * @param component a component name
     * @return the names of the components sharing its process
     */
    public List<String> groupOf(String component) {
        Optional<List<String>> configured = groups.stream().filter(g -> g.contains(component)).findFirst();
        return configured.orElse(List.of(component));
    }

    /**
     * How many replicas of a component's group run.
     *
     * @param component a component name
     * @return the configured count, or 1
     */
    public int replicasOf(String component) {
        return replicas.getOrDefault(component, 1);
    }
}
