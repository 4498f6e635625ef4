package io.cleave.deploy;

import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.Topology;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which processes run: one group per configured colocation group, and one per component named
 * in none, each with its replica count and the groups it calls at start; with a
 * {@code [gateway]}, one more group, {@value #GATEWAY}, last, that serves every listener's
 * configured address in front of the replicas of the groups that listen.
 *
 * @param groups in start order: a group comes after the groups its components depend on, where
 *     the dependencies allow it
 * @param fronted each listener's configured address, by name, when a gateway serves them; empty
 *     without a gateway
 */
record Plan(List<Group> groups, Map<String, InetSocketAddress> fronted) {

    /** The name of the gateway's group. */
    static final String GATEWAY = Gateway.SECTION;

    /**
     * One colocation group.
     *
     * @param name its components' names joined with {@code +}, such as {@code Cart+Checkout}
     * @param components the components it hosts, in the application's dependency order
     * @param replicas how many processes run it
     * @param dependsOn the other groups its components depend on (not through {@code Ref})
     */
    record Group(String name, List<String> components, int replicas, Set<String> dependsOn) {
        Group {
            components = List.copyOf(components);
            dependsOn = Set.copyOf(dependsOn);
        }
    }

    Plan {
        groups = List.copyOf(groups);
        fronted = Collections.unmodifiableMap(new LinkedHashMap<>(fronted));
    }

    /** Whether the group is the gateway's. */
    boolean isGateway(Group group) {
        return !fronted.isEmpty() && group.name().equals(GATEWAY);
    }

    Optional<Group> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /**
     * Builds the plan from the validated topology.
     *
     * @param listeners the {@code [listeners]} section, to refuse two replicas on one fixed port
     * @param section the section at a dotted path, for {@code [listeners.<name>]} tables
     * @param gateway the gateway, when {@code [gateway]} asks for one
     * @param oneHost whether every replica runs on this host, where a port is bound once (not so
     *     on Kubernetes, where each replica is a pod with an address of its own)
     * @throws StartupException if a group's components ask for different replica counts, a
     *     replicated group listens on a fixed port without a gateway in front, or the gateway's
     *     settings are wrong
     */
    static Plan of(List<ComponentDescriptor<?>> components, Topology topology, ConfigSection listeners,
            Function<String, ConfigSection> section, Optional<Gateway> gateway, boolean oneHost) {
        Map<String, ComponentDescriptor<?>> byName = new LinkedHashMap<>();
        Map<Class<?>, String> nameOfType = new HashMap<>();
        for (ComponentDescriptor<?> c : components) {
            byName.put(c.name(), c);
            nameOfType.put(c.type(), c.name());
        }
        Map<String, List<String>> membersOf = new LinkedHashMap<>(); // group name -> members, dependency order
        Map<String, String> groupOf = new HashMap<>();
        for (ComponentDescriptor<?> c : components) {
            List<String> configured = topology.groupOf(c.name()).stream().filter(byName::containsKey).toList();
            List<String> members = configured.stream()
                    .sorted((a, b) -> Integer.compare(indexOf(components, a), indexOf(components, b))).toList();
            String name = String.join("+", configured); // as the user wrote it in [multi] groups
            membersOf.putIfAbsent(name, members);
            groupOf.put(c.name(), name);
        }
        List<String> problems = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        Map<String, InetSocketAddress> fronted = new LinkedHashMap<>();
        Set<String> listening = new LinkedHashSet<>();
        for (Map.Entry<String, List<String>> e : membersOf.entrySet()) {
            String name = e.getKey();
            int replicas = replicas(name, e.getValue(), topology, problems);
            Set<String> dependsOn = new LinkedHashSet<>();
            for (String member : e.getValue()) {
                for (Dependency d : byName.get(member).dependencies()) {
                    if (d instanceof Dependency.OnComponent on) {
                        String target = groupOf.get(nameOfType.get(on.type()));
                        if (target != null && !target.equals(name)) {
                            dependsOn.add(target);
                        }
                    } else if (d instanceof Dependency.OnService on && on.type() == Listener.class && gateway.isPresent()) {
                        listening.add(name);
                        front(on.parameter(), listeners, section, fronted, problems);
                    } else if (d instanceof Dependency.OnService on && on.type() == Listener.class && replicas > 1 && oneHost) {
                        fixedPort(listeners, section, on.parameter()).ifPresent(address -> problems.add("[multi.replicas] group "
                                + name + " runs " + replicas + " replicas, but its component " + member
                                + " listens on [listeners] " + on.parameter() + " = \"" + address
                                + "\", and one port cannot be bound twice; run it with 1 replica or use port 0"));
                    }
                }
            }
            groups.add(new Group(name, e.getValue(), replicas, dependsOn));
        }
        if (gateway.isPresent()) {
            ConfigSection settings = section.apply(Gateway.SECTION);
            if (membersOf.containsKey(GATEWAY)) {
                problems.add("[multi] groups: a group named \"" + GATEWAY + "\" would clash with the gateway's; rename its component");
            } else if (fronted.isEmpty()) {
                problems.add("[gateway] serves the application's listeners, and no component asks for a Listener;"
                        + " remove [gateway]");
            } else {
                try {
                    gateway.get().check(settings, fronted);
                    groups.add(new Group(GATEWAY, List.of(), gateway.get().replicas(settings), listening));
                } catch (ConfigSection.ConfigError e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new StartupException("deployer multi: " + String.join("; ", problems));
        }
        return new Plan(startOrder(groups), gateway.isPresent() ? fronted : Map.of());
    }

    /**
     * Adds a listener the gateway serves at its configured address. A listener's own TLS would
     * do nothing there: the gateway terminates TLS.
     */
    private static void front(String listener, ConfigSection listeners, Function<String, ConfigSection> section,
            Map<String, InetSocketAddress> fronted, List<String> problems) {
        if (fronted.containsKey(listener)) {
            return;
        }
        Optional<InetSocketAddress> address = Gateway.publicAddress(listeners, section, listener);
        if (address.isEmpty()) {
            return; // cleave-web says what to fix when the component asks for it
        }
        if (listeners.subsections().contains(listener)) {
            ConfigSection table = section.apply("listeners." + listener);
            for (String key : List.of("tls-certificate", "tls-keystore")) {
                if (table.has(key)) {
                    problems.add("[listeners." + listener + "] " + key + ": the gateway ([gateway]) serves this listener and"
                            + " terminates TLS in front of it; move the TLS settings to [gateway]");
                }
            }
        }
        fronted.put(listener, address.get());
    }

    private static int indexOf(List<ComponentDescriptor<?>> components, String name) {
        for (int i = 0; i < components.size(); i++) {
            if (components.get(i).name().equals(name)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static int replicas(String group, List<String> members, Topology topology, List<String> problems) {
        Map<Integer, List<String>> byCount = new LinkedHashMap<>();
        for (String member : members) {
            if (topology.replicas().containsKey(member)) {
                byCount.computeIfAbsent(topology.replicasOf(member), k -> new ArrayList<>()).add(member);
            }
        }
        if (byCount.size() > 1) {
            List<String> parts = new ArrayList<>();
            byCount.forEach((n, names) -> names.forEach(m -> parts.add(m + " = " + n)));
            problems.add("[multi.replicas] " + String.join(", ", parts) + " share group " + group
                    + ", whose components run in the same processes; give them one count (or name only one of them)");
            return 1;
        }
        return byCount.isEmpty() ? 1 : byCount.keySet().iterator().next();
    }

    /** The configured address of a listener when its port is fixed (not 0): see {@link #listenerAddress}. */
    private static Optional<String> fixedPort(ConfigSection listeners, Function<String, ConfigSection> section, String name) {
        return listenerAddress(listeners, section, name).filter(address -> !address.endsWith(":0"));
    }

    /** The configured address of a listener: see {@link Gateway#configuredAddress}. */
    static Optional<String> listenerAddress(ConfigSection listeners, Function<String, ConfigSection> section, String name) {
        return Gateway.configuredAddress(listeners, section, name);
    }

    /** Dependencies first where the group graph is acyclic; a cycle (through Refs) keeps file order. */
    private static List<Group> startOrder(List<Group> groups) {
        List<Group> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        List<Group> pending = new ArrayList<>(groups);
        Function<Group, Boolean> ready = g -> placed.containsAll(g.dependsOn());
        while (!pending.isEmpty()) {
            Group next = pending.stream().filter(ready::apply).findFirst().orElse(pending.get(0));
            pending.remove(next);
            ordered.add(next);
            placed.add(next.name());
        }
        return ordered;
    }
}
