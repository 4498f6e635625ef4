package io.cleave.kube;

import io.cleave.Listener;
import io.cleave.deploy.GroupGraph;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Kubernetes objects of an application, built with fabric8's typed model: for the
 * application a ConfigMap with its configuration and the service account discovery runs as;
 * per group a Deployment, a headless Service, a HorizontalPodAutoscaler, a PodDisruptionBudget
 * and a NetworkPolicy admitting exactly the calls of the component graph plus the edge's
 * listeners; with {@code [gateway]}, the gateway's group in front of those listeners (a
 * Deployment, its public Service, a PodDisruptionBudget, a NetworkPolicy), whose pods alone may
 * then reach the listeners. Secrets are referenced by name, never written.
 */
final class Manifests {

    /** Where the ConfigMap's {@code cleave.toml} is mounted in every container. */
    static final String CONFIG_DIR = "/etc/cleave";
    /** Where a group's certificate secret is mounted. */
    static final String TLS_DIR = "/etc/cleave/tls";
    /** The environment variable naming the group a pod hosts. */
    static final String GROUP_VARIABLE = "CLEAVE_GROUP";
    /** The environment variable naming the namespace discovery watches. */
    static final String NAMESPACE_VARIABLE = "CLEAVE_NAMESPACE";
    /** The environment variable with the token the gateway presents and the listeners expect, from a Secret. */
    static final String TOKEN_VARIABLE = "CLEAVE_GATEWAY_TOKEN";
    /** The key of the token in the gateway token Secret. */
    static final String TOKEN_KEY = "token";
    /** Where the gateway's certificate secret is mounted. */
    static final String GATEWAY_TLS_DIR = "/etc/cleave/gateway-tls";

    private final String application;
    private final GroupGraph graph;
    private final Map<String, ComponentDescriptor<?>> components = new LinkedHashMap<>();
    private final ConfigSection listeners;
    private final KubeSettings settings;
    private final boolean mtls;
    private final String configText;

    /**
     * @param configText the configuration file, as the ConfigMap carries it
     * @param mtls whether {@code [transport] mtls} is on (certificates are mounted)
     */
    Manifests(String application, GroupGraph graph, List<ComponentDescriptor<?>> components, ConfigSection listeners,
            KubeSettings settings, boolean mtls, String configText) {
        this.application = application;
        this.graph = graph;
        components.forEach(c -> this.components.put(c.name(), c));
        this.listeners = listeners;
        this.settings = settings;
        this.mtls = mtls;
        this.configText = configText;
    }

    String applicationName() {
        return application;
    }

    /** The application's own objects: the ConfigMap and discovery's service account, role and binding. */
    List<HasMetadata> application() {
        String name = Names.dns(application);
        return List.of(
                new ConfigMapBuilder().withMetadata(meta(name + "-config", Map.of()))
                        .withData(Map.of("cleave.toml", configText)).build(),
                new ServiceAccountBuilder().withMetadata(meta(name, Map.of())).build(),
                new RoleBuilder().withMetadata(meta(name + "-discovery", Map.of()))
                        .withRules(new PolicyRuleBuilder().withApiGroups("discovery.k8s.io").withResources("endpointslices")
                                .withVerbs("get", "list", "watch").build())
                        .build(),
                new RoleBindingBuilder().withMetadata(meta(name + "-discovery", Map.of()))
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name + "-discovery")
                        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(settings.namespace()).endSubject()
                        .build());
    }

    /** Per group, its objects in apply order; with {@code [gateway]}, the gateway's last. */
    Map<String, List<HasMetadata>> groups() {
        Map<String, List<HasMetadata>> out = new LinkedHashMap<>();
        for (GroupGraph.Group g : graph.groups()) {
            out.put(g.name(), List.of(deployment(g), service(g), autoscaler(g), disruptionBudget(g), networkPolicy(g)));
        }
        graph.gateway().ifPresent(front -> out.put(GroupGraph.GATEWAY, List.of(gatewayDeployment(front),
                gatewayService(front), disruptionBudget(GroupGraph.GATEWAY), gatewayNetworkPolicy(front))));
        return out;
    }

    /** The listeners (name to port) the gateway serves. */
    private Map<String, Integer> gatewayPorts(GroupGraph.Front front) {
        Map<String, Integer> ports = new TreeMap<>();
        front.listeners().keySet().forEach(listener -> ports.put(listener, listenerPort(listener)));
        return ports;
    }

    /**
     * The gateway's pods: no components and no transport port; each fronted listener's port on
     * every address, the token from its Secret, the certificate from {@code gateway-tls-secret}.
     */
    private HasMetadata gatewayDeployment(GroupGraph.Front front) {
        KubeSettings.GatewaySettings gateway = settings.gateway().orElseThrow();
        Map<String, Integer> web = gatewayPorts(front);
        List<ContainerPort> ports = new ArrayList<>();
        ports.add(new ContainerPortBuilder().withName("admin").withContainerPort(settings.adminPort()).build());
        web.forEach((listener, port) -> ports.add(new ContainerPortBuilder().withName(portName(listener))
                .withContainerPort(port).build()));
        List<EnvVar> env = new ArrayList<>(podEnv(GroupGraph.GATEWAY));
        web.forEach((listener, port) -> env.add(new EnvVarBuilder().withName(variable("listeners", listener))
                .withValue("0.0.0.0:" + port).build()));
        env.add(tokenVariable());
        DeploymentBuilder b = deployment(GroupGraph.GATEWAY, front.replicas(), ports, env);
        gateway.tlsSecret().ifPresent(secret -> {
            b.editSpec().editTemplate().editSpec().editFirstContainer()
                    .addToEnv(new EnvVarBuilder().withName(variable("gateway", "tls-certificate"))
                            .withValue(GATEWAY_TLS_DIR + "/tls.crt").build())
                    .addToEnv(new EnvVarBuilder().withName(variable("gateway", "tls-key"))
                            .withValue(GATEWAY_TLS_DIR + "/tls.key").build())
                    .endContainer().endSpec().endTemplate().endSpec();
            mount(b, "gateway-tls", GATEWAY_TLS_DIR, secret);
        });
        return b.build();
    }

    /** The token the gateway presents and the listeners expect, from the Secret the user created. */
    private EnvVar tokenVariable() {
        return new EnvVarBuilder().withName(TOKEN_VARIABLE).withNewValueFrom().withNewSecretKeyRef()
                .withName(settings.gateway().orElseThrow().tokenSecret()).withKey(TOKEN_KEY).endSecretKeyRef()
                .endValueFrom().build();
    }

    /**
     * The public entry: the fronted listeners' ports. A LoadBalancer (by default) keeps the
     * clients' source addresses ({@code externalTrafficPolicy: Local}), which the gateway's rate
     * limits and {@code X-Forwarded-For} are keyed by.
     */
    private HasMetadata gatewayService(GroupGraph.Front front) {
        String type = settings.gateway().orElseThrow().serviceType();
        List<ServicePort> ports = new ArrayList<>();
        gatewayPorts(front).forEach((listener, port) -> ports.add(new ServicePortBuilder().withName(portName(listener))
                .withProtocol("TCP").withPort(port).withTargetPort(new IntOrString(portName(listener))).build()));
        ServiceBuilder b = new ServiceBuilder().withMetadata(meta(Names.object(application, GroupGraph.GATEWAY),
                selector(GroupGraph.GATEWAY))).withNewSpec().withType(type).withSelector(selector(GroupGraph.GATEWAY))
                .withPorts(ports).endSpec();
        if (!type.equals("ClusterIP")) {
            b.editSpec().withExternalTrafficPolicy("Local").endSpec();
        }
        return b.build();
    }

    /** Anyone may reach the gateway's listener ports: it is the edge. */
    private HasMetadata gatewayNetworkPolicy(GroupGraph.Front front) {
        NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder(); // no from: any source
        gatewayPorts(front).values().forEach(port -> rule.addNewPort().withProtocol("TCP")
                .withPort(new IntOrString(port)).endPort());
        return new NetworkPolicyBuilder().withMetadata(meta(Names.object(application, GroupGraph.GATEWAY),
                        selector(GroupGraph.GATEWAY)))
                .withNewSpec().withNewPodSelector().withMatchLabels(selector(GroupGraph.GATEWAY)).endPodSelector()
                .withPolicyTypes("Ingress").withIngress(rule.build()).endSpec().build();
    }

    /** The listeners (name to port) a group's components ask for: the edge's ingress. */
    Map<String, Integer> listenerPorts(GroupGraph.Group group) {
        Map<String, Integer> ports = new TreeMap<>();
        for (String member : group.components()) {
            for (Dependency d : components.get(member).dependencies()) {
                if (d instanceof Dependency.OnService on && on.type() == Listener.class) {
                    ports.put(on.parameter(), listenerPort(on.parameter()));
                }
            }
        }
        return ports;
    }

    private int listenerPort(String name) {
        String address = graph.listenerAddress(name).orElse("127.0.0.1:0");
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        if (port == 0) {
            throw new ConfigSection.ConfigError("[listeners] " + name + " = \"" + address + "\": on Kubernetes a listener"
                    + " needs a fixed port, which its Service and NetworkPolicy name; set one, such as \"0.0.0.0:8080\"");
        }
        return port;
    }

    private HasMetadata deployment(GroupGraph.Group g) {
        Map<String, Integer> web = listenerPorts(g);
        List<ContainerPort> ports = new ArrayList<>();
        ports.add(new ContainerPortBuilder().withName(Names.RPC_PORT).withContainerPort(settings.rpcPort()).build());
        ports.add(new ContainerPortBuilder().withName("admin").withContainerPort(settings.adminPort()).build());
        web.forEach((listener, port) -> ports.add(new ContainerPortBuilder().withName(portName(listener))
                .withContainerPort(port).build()));
        List<EnvVar> env = new ArrayList<>(podEnv(g.name()));
        // a listener must take connections from outside the pod: every address, its configured port
        web.forEach((listener, port) -> env.add(new EnvVarBuilder().withName(variable("listeners", listener))
                .withValue("0.0.0.0:" + port).build()));
        if (!web.isEmpty() && graph.gateway().isPresent()) {
            env.add(tokenVariable()); // behind the gateway: believes X-Forwarded-For only beside this token
        }
        settings.databaseSecret().ifPresent(secret -> {
            for (String key : List.of("url", "user", "password")) {
                env.add(new EnvVarBuilder().withName(variable("data", key)).withNewValueFrom().withNewSecretKeyRef()
                        .withName(secret).withKey(key).endSecretKeyRef().endValueFrom().build());
            }
        });
        if (mtls) {
            env.add(new EnvVarBuilder().withName(variable("transport", "cert")).withValue(TLS_DIR + "/tls.crt").build());
            env.add(new EnvVarBuilder().withName(variable("transport", "key")).withValue(TLS_DIR + "/tls.key").build());
            env.add(new EnvVarBuilder().withName(variable("transport", "ca-cert")).withValue(TLS_DIR + "/ca.crt").build());
        }
        DeploymentBuilder b = deployment(g.name(), g.replicas(), ports, env);
        if (mtls) {
            mount(b, "tls", TLS_DIR, settings.tlsSecretOf(Names.dns(g.name())));
        }
        return b.build();
    }

    /** The variables of every pod: its group and namespace. */
    private static List<EnvVar> podEnv(String group) {
        return List.of(new EnvVarBuilder().withName(GROUP_VARIABLE).withValue(group).build(),
                new EnvVarBuilder().withName(NAMESPACE_VARIABLE).withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build());
    }

    /** Mounts a Secret read-only in the container. */
    private static void mount(DeploymentBuilder b, String volume, String directory, String secret) {
        b.editSpec().editTemplate().editSpec()
                .editFirstContainer().addToVolumeMounts(new VolumeMountBuilder().withName(volume).withMountPath(directory)
                        .withReadOnly(true).build()).endContainer()
                .addToVolumes(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(secret).endSecret().build())
                .endSpec().endTemplate().endSpec();
    }

    /** A group's Deployment: the image, probes, drain and rolling updates every group shares. */
    private DeploymentBuilder deployment(String group, int replicas, List<ContainerPort> ports, List<EnvVar> env) {
        String name = Names.object(application, group);
        Map<String, String> selector = selector(group);
        return new DeploymentBuilder()
                .withMetadata(meta(name, selector, Map.of(Names.GROUP_NAME, group)))
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withMetadata(new ObjectMetaBuilder().withLabels(labels(selector))
                        .withAnnotations(Map.of(Names.GROUP_NAME, group)).build())
                .withNewSpec()
                .withServiceAccountName(Names.dns(application))
                .withTerminationGracePeriodSeconds(settings.terminationGraceSeconds())
                .addNewContainer()
                .withName("cleave")
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs("--deployer=kube", "--config=" + CONFIG_DIR + "/cleave.toml")
                .withPorts(ports)
                .withEnv(env)
                .withNewResources()
                .withRequests(quantities(Map.of("cpu", settings.resources().cpuRequest(),
                        "memory", settings.resources().memoryRequest())))
                .withLimits(quantities(limits()))
                .endResources()
                .withStartupProbe(probe("/ready", 1, 60))
                .withReadinessProbe(probe("/ready", 2, 2))
                .withLivenessProbe(probe("/live", 5, 3))
                .withNewLifecycle().withNewPreStop().withNewSleep(settings.preStopDelay().toSeconds())
                .endPreStop().endLifecycle()
                .addNewVolumeMount().withName("config").withMountPath(CONFIG_DIR + "/cleave.toml")
                .withSubPath("cleave.toml").withReadOnly(true).endVolumeMount()
                .endContainer()
                .addToVolumes(new VolumeBuilder().withName("config").withNewConfigMap()
                        .withName(Names.dns(application) + "-config").endConfigMap().build())
                .endSpec()
                .endTemplate()
                .endSpec();
    }

    private Map<String, String> limits() {
        Map<String, String> limits = new TreeMap<>();
        limits.put("memory", settings.resources().memoryLimit());
        settings.resources().cpuLimit().ifPresent(cpu -> limits.put("cpu", cpu));
        return limits;
    }

    private Probe probe(String path, int periodSeconds, int failures) {
        return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString("admin")).endHttpGet()
                .withPeriodSeconds(periodSeconds).withFailureThreshold(failures).build();
    }

    /** The Service other groups' EndpointSlice watches follow: headless, every ready pod's address. */
    private HasMetadata service(GroupGraph.Group g) {
        List<ServicePort> ports = new ArrayList<>();
        ports.add(new ServicePortBuilder().withName(Names.RPC_PORT).withPort(settings.rpcPort())
                .withTargetPort(new IntOrString(Names.RPC_PORT)).build());
        listenerPorts(g).forEach((listener, port) -> ports.add(new ServicePortBuilder().withName(portName(listener))
                .withPort(port).withTargetPort(new IntOrString(portName(listener))).build()));
        return new ServiceBuilder().withMetadata(meta(Names.object(application, g.name()), selector(g)))
                .withNewSpec().withClusterIP("None").withSelector(selector(g)).withPorts(ports)
                .withPublishNotReadyAddresses(false).endSpec().build();
    }

    private HasMetadata autoscaler(GroupGraph.Group g) {
        String name = Names.object(application, g.name());
        KubeSettings.Autoscale a = settings.autoscale();
        return new HorizontalPodAutoscalerBuilder().withMetadata(meta(name, selector(g)))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(name).endScaleTargetRef()
                .withMinReplicas(a.minFor(g.replicas()))
                .withMaxReplicas(a.maxFor(g.replicas()))
                .addNewMetric().withType("Resource").withNewResource().withName("cpu")
                .withNewTarget().withType("Utilization").withAverageUtilization(a.cpuTarget()).endTarget()
                .endResource().endMetric()
                .endSpec().build();
    }

    /** At most one pod of a group away at a time for voluntary disruptions (drains, upgrades). */
    private HasMetadata disruptionBudget(GroupGraph.Group g) {
        return disruptionBudget(g.name());
    }

    private HasMetadata disruptionBudget(String group) {
        return new PodDisruptionBudgetBuilder().withMetadata(meta(Names.object(application, group), selector(group)))
                .withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(selector(group)).endSelector().endSpec().build();
    }

    /**
     * Ingress to a group's pods: its callers' pods on the transport port; on its listeners' ports,
     * the gateway's pods with {@code [gateway]} (the gateway is the edge), anyone without.
     */
    private HasMetadata networkPolicy(GroupGraph.Group g) {
        Set<String> callers = new TreeSet<>();
        for (String member : g.components()) {
            callers.addAll(graph.callers().getOrDefault(member, Set.of()));
        }
        List<NetworkPolicyIngressRule> rules = new ArrayList<>();
        if (!callers.isEmpty()) {
            NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder()
                    .addNewPort().withProtocol("TCP").withPort(new IntOrString(settings.rpcPort())).endPort();
            for (String caller : callers) {
                rule.addToFrom(new NetworkPolicyPeerBuilder().withNewPodSelector()
                        .withMatchLabels(selector(caller)).endPodSelector().build());
            }
            rules.add(rule.build());
        }
        Map<String, Integer> web = listenerPorts(g);
        if (!web.isEmpty()) {
            NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder(); // no from: any source
            if (graph.gateway().isPresent()) {
                rule.addToFrom(new NetworkPolicyPeerBuilder().withNewPodSelector()
                        .withMatchLabels(selector(GroupGraph.GATEWAY)).endPodSelector().build());
            }
            web.values().forEach(port -> rule.addNewPort().withProtocol("TCP").withPort(new IntOrString(port)).endPort());
            rules.add(rule.build());
        }
        return new NetworkPolicyBuilder().withMetadata(meta(Names.object(application, g.name()), selector(g)))
                .withNewSpec().withNewPodSelector().withMatchLabels(selector(g)).endPodSelector()
                .withPolicyTypes("Ingress").withIngress(rules).endSpec().build();
    }

    private Map<String, String> selector(GroupGraph.Group g) {
        return selector(g.name());
    }

    private Map<String, String> selector(String group) {
        Map<String, String> m = new TreeMap<>();
        m.put(Names.PART_OF, Names.dns(application));
        m.put(Names.GROUP, Names.dns(group));
        return m;
    }

    private Map<String, String> labels(Map<String, String> selector) {
        Map<String, String> m = new TreeMap<>(selector);
        m.put("app.kubernetes.io/managed-by", "cleave");
        return m;
    }

    private ObjectMeta meta(String name, Map<String, String> selector) {
        return meta(name, selector, Map.of());
    }

    private ObjectMeta meta(String name, Map<String, String> selector, Map<String, String> annotations) {
        Map<String, String> labels = labels(selector);
        labels.put(Names.PART_OF, Names.dns(application));
        ObjectMetaBuilder b = new ObjectMetaBuilder().withName(name).withNamespace(settings.namespace()).withLabels(labels);
        if (!annotations.isEmpty()) {
            b.withAnnotations(new TreeMap<>(annotations));
        }
        return b.build();
    }

    private static Map<String, Quantity> quantities(Map<String, String> values) {
        Map<String, Quantity> m = new TreeMap<>();
        values.forEach((k, v) -> m.put(k, new Quantity(v)));
        return m;
    }

    /** A port name is at most 15 characters of [a-z0-9-]. */
    static String portName(String listener) {
        String n = Names.dns(listener);
        return n.length() > 15 ? n.substring(0, 15) : n;
    }

    /** The environment variable overriding a configuration key, as the runtime reads it. */
    static String variable(String section, String key) {
        return "CLEAVE_" + section.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "__"
                + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
