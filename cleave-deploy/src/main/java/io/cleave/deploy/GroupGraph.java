package io.cleave.deploy;

import io.cleave.StartupException;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.Topology;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.transport.Authorizer;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processes an application splits into and who may call whom, as the {@code multi}
 * supervisor plans them, for other deployers (Kubernetes) to place the same groups elsewhere:
 * one group per configured colocation group and one per component named in none, each with
 * its replica count; per component, the groups allowed to call it (the component graph the
 * annotation processor recorded, event relays included).
 */
public final class GroupGraph {

    /**
     * One colocation group.
     *
     * @param name its components' names joined with {@code +}, such as {@code Catalog+Recommendations}
     * @param components the components it hosts, dependencies first
     * @param replicas how many processes run it
     */
    public record Group(String name, List<String> components, int replicas) {
        /** Copies the list. */
        public Group {
            components = List.copyOf(components);
        }
    }

    private final Plan plan;
    private final GraphAuthorizer authorizer;
    private final ConfigSection listeners;
    private final java.util.function.Function<String, ConfigSection> section;

    private GroupGraph(Plan plan, GraphAuthorizer authorizer, ConfigSection listeners,
            java.util.function.Function<String, ConfigSection> section) {
        this.plan = plan;
        this.authorizer = authorizer;
        this.listeners = listeners;
        this.section = section;
    }

    /**
     * The configured address of a listener: {@code [listeners] name = "host:port"} or the
     * {@code address} of a {@code [listeners.name]} table; web defaults to 127.0.0.1:8080.
     *
     * @param name the listener's name
     * @return the address as configured, {@code host:port}; empty if none is configured
     */
    public java.util.Optional<String> listenerAddress(String name) {
        return Plan.listenerAddress(listeners, section, name);
    }

    /**
     * Plans the groups of a validated application.
     *
     * @param components every component, dependencies first
     * @param topology the groups and replica counts from {@code [multi]}
     * @param listeners the {@code [listeners]} section
     * @param section the section at a dotted path, for {@code [listeners.<name>]} tables
     * @return the graph
     * @throws StartupException if a group's components ask for different replica counts (each
     *     replica is a pod with an address of its own, so replicas may share a listener's port)
     */
    public static GroupGraph of(List<ComponentDescriptor<?>> components, Topology topology, ConfigSection listeners,
            java.util.function.Function<String, ConfigSection> section) {
        return of(components, topology, listeners, section, Optional.empty());
    }

    /**
     * Plans the groups of a validated application, with the gateway {@code [gateway]} asks for
     * in front of its listeners, as {@code multi} plans it: {@code gateway} is {@link #gateway()},
     * not one of {@link #groups()}.
     *
     * @param gateway the gateway, whose {@link Gateway#check} runs on {@code [gateway]}; empty for none
     * @return the graph
     * @throws StartupException as {@link #of(List, Topology, ConfigSection, java.util.function.Function)}, and
     *     if {@code [gateway]} is wrong or no component asks for a listener
     */
    public static GroupGraph of(List<ComponentDescriptor<?>> components, Topology topology, ConfigSection listeners,
            java.util.function.Function<String, ConfigSection> section, Optional<Gateway> gateway) {
        Plan plan = Plan.of(components, topology, listeners, section, gateway, false);
        return new GroupGraph(plan, GraphAuthorizer.of(components, plan), listeners, section);
    }

    /** The name of the gateway's group, as {@code multi} names it: {@value}. */
    public static final String GATEWAY = Plan.GATEWAY;

    /**
     * The gateway in front of the listeners.
     *
     * @param replicas how many processes run it ({@code [gateway] replicas})
     * @param listeners each listener it serves, by name, at its configured address
     * @param listening the groups whose components ask for one of those listeners
     */
    public record Front(int replicas, Map<String, java.net.InetSocketAddress> listeners, Set<String> listening) {
        /** Copies the collections. */
        public Front {
            listeners = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(listeners));
            listening = Set.copyOf(listening);
        }
    }

    /** @return the gateway's plan, when one was asked for and no component asks for none of the listeners */
    public Optional<Front> gateway() {
        return plan.groups().stream().filter(plan::isGateway).findFirst()
                .map(g -> new Front(g.replicas(), plan.fronted(), g.dependsOn()));
    }

    /** @return the groups, each after the groups it depends on where the graph allows; never the gateway's */
    public List<Group> groups() {
        return plan.groups().stream().filter(g -> !plan.isGateway(g))
                .map(g -> new Group(g.name(), g.components(), g.replicas())).toList();
    }

    /** @return per component, the groups that may call it; empty for one only the deployment itself calls */
    public Map<String, Set<String>> callers() {
        return authorizer.callers();
    }

    /**
     * A transport client builder with every client setting of {@code [transport]}, plaintext
     * until given credentials.
     *
     * @param settings the validated {@code [transport]}
     * @return the builder
     */
    public static RpcClient.Builder client(TransportSettings settings) {
        return Transport.client(settings, Optional.empty());
    }

    /**
     * A transport server builder with every server setting of {@code [transport]}, plaintext
     * until given credentials and {@link #authorizer()}.
     *
     * @param settings the validated {@code [transport]}
     * @return the builder
     */
    public static RpcServer.Builder server(TransportSettings settings) {
        return Transport.server(settings, Optional.empty(), (caller, component) -> Optional.empty());
    }

    /** @return an authorizer that admits calls only along {@link #callers()}, and the deployment's own */
    public Authorizer authorizer() {
        return authorizer;
    }
}
