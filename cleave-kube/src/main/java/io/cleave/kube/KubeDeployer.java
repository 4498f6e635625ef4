package io.cleave.kube;

import io.cleave.StartupException;
import io.cleave.deploy.GroupGraph;
import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Gateway;
import io.cleave.spi.ConfigSection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The {@code kube} deployer, in a pod: hosts the group named by the {@code CLEAVE_GROUP}
 * environment variable (or the {@code cleave.group} system property) and finds the other
 * groups' replicas in Kubernetes EndpointSlices; a pod of the {@code gateway} group runs the
 * gateway {@code [gateway]} asks for, in front of the listening groups' pods. The manifests that start such pods come from
 * {@link KubeManifests#write}. Found with {@link java.util.ServiceLoader}; {@code [kube]} is its
 * section (see the module README).
 */
public final class KubeDeployer implements Deployer {

    /** The deployer's name in configuration. */
    public static final String NAME = "kube";

    /** Set while {@link KubeManifests#write} plans an application instead of running it. */
    static final ThreadLocal<Consumer<Planned>> PLANNING = new ThreadLocal<>();

    /** Creates the deployer; the runtime does this through {@link java.util.ServiceLoader}. */
    public KubeDeployer() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Every pod prepares what its components share (idempotently); planning prepares nothing. */
    @Override
    public boolean deploysApplication() {
        return PLANNING.get() == null;
    }

    /**
     * A pod prepares its own group's components' schemas and roles, not the whole application's:
     * the other groups' pods prepare theirs, and a pod is ready sooner. A group is named by its
     * components joined with {@code +}; without a group every component is prepared (and
     * {@link #deploy} then says the group is missing).
     */
    @Override
    public Predicate<String> prepares() {
        return podGroup().<Predicate<String>>map(g -> List.of(g.split("\\+"))::contains).orElse(component -> true);
    }

    /** The group this pod runs, from {@code -Dcleave.group} or {@code CLEAVE_GROUP}. */
    private static Optional<String> podGroup() {
        return Optional.ofNullable(System.getProperty("cleave.group")).or(() -> Optional.ofNullable(System.getenv(Manifests.GROUP_VARIABLE)));
    }

    /**
     * Hosts this pod's group, or, for {@link KubeManifests#write}, hands over the validated plan.
     *
     * @throws StartupException if {@code [kube]} is invalid, no group is named, or the pod's part
     *     cannot start
     */
    @Override
    public Deployment deploy(Context context) {
        KubeSettings settings;
        GroupGraph graph;
        Consumer<Planned> planning = PLANNING.get();
        Optional<String> group = podGroup();
        // [gateway] is checked (its TLS files read) where the gateway runs and where the manifests are
        // written; a listener's pod only needs to know it is fronted, and has no gateway certificate mounted
        boolean checksGateway = planning != null || group.filter(GroupGraph.GATEWAY::equals).isPresent();
        try {
            settings = KubeSettings.read(context.application(), context.section(NAME), context.section(NAME + ".resources"),
                    context.section(NAME + ".autoscale"), context.gateway().isPresent());
            if (settings.gateway().flatMap(KubeSettings.GatewaySettings::tlsSecret).isPresent()
                    && context.section(Gateway.SECTION).has("tls-keystore")) {
                throw new ConfigSection.ConfigError("[kube] gateway-tls-secret mounts the gateway's certificate as"
                        + " [gateway] tls-certificate and tls-key, and [gateway] has tls-keystore: remove one of them");
            }
            graph = GroupGraph.of(context.components(), context.topology(), context.section("listeners"), context::section,
                    checksGateway ? context.gateway() : Optional.empty());
        } catch (ConfigSection.ConfigError e) {
            throw new StartupException("deployer kube: " + e.getMessage(), e);
        }
        if (planning != null) {
            Manifests manifests;
            try {
                manifests = new Manifests(context.application(), graph, context.components(), context.section("listeners"),
                        settings, context.transport().tls().enabled(), configText(context));
                manifests.groups(); // checks the listeners' ports
            } catch (ConfigSection.ConfigError e) {
                throw new StartupException("deployer kube: " + e.getMessage(), e);
            }
            planning.accept(new Planned(manifests, graph));
            throw new Planned.Done();
        }
        if (group.isEmpty()) {
            throw new StartupException("deployer kube runs one group in a Kubernetes pod and needs its name in "
                    + Manifests.GROUP_VARIABLE + " (or -Dcleave.group); the groups are "
                    + String.join(", ", graph.groups().stream().map(GroupGraph.Group::name).toList())
                    + ". To write the manifests that start them: cleave deploy kube --config cleave.toml --out DIR");
        }
        String namespace = Optional.ofNullable(System.getenv(Manifests.NAMESPACE_VARIABLE)).orElse(settings.namespace());
        KubernetesClient kubernetes = new KubernetesClientBuilder().build();
        try {
            return PodDeployment.start(context.application(), group.get(), graph, context.components(), settings,
                    context.transport(), kubernetes, namespace,
                    context.gateway().map(g -> new PodDeployment.Front(g, context.section(Gateway.SECTION))));
        } catch (RuntimeException e) {
            kubernetes.close();
            throw e;
        }
    }

    private static String configText(Context context) {
        if (context.options().configText().isPresent()) {
            return context.options().configText().get();
        }
        Path file = context.options().configFile().orElse(Path.of("cleave.toml"));
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new StartupException("deployer kube: cannot read " + file + " for the ConfigMap: " + e.getMessage(), e);
        }
    }

    /** What planning produced. */
    record Planned(Manifests manifests, GroupGraph graph) {

        /** Ends the start once planned: no component is constructed, nothing is prepared. */
        static final class Done extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Done() {
                super("planned", null, false, false);
            }
        }
    }

}
