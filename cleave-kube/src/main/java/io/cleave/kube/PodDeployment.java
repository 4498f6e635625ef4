package io.cleave.kube;

import com.sun.net.httpserver.HttpServer;
import io.cleave.Listener;
import io.cleave.StartupException;
import io.cleave.deploy.GroupGraph;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.Invoker;
import io.cleave.transport.Credentials;
import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * One pod's part: the components of its group, served over the transport on the fixed
 * {@code rpc-port} of every address; clients for the others, whose routing tables follow the
 * EndpointSlices of the other groups' Services; and the probes' endpoint on {@code admin-port}
 * ({@code /live}: the process runs; {@code /ready}: its components serve and it is not
 * draining). A pod of the gateway's group hosts no component: it runs the gateway on the
 * listeners' ports, in front of the ready pods of the groups that listen, from their
 * EndpointSlices.
 */
final class PodDeployment implements Deployment {

    private static final System.Logger LOG = System.getLogger("cleave.kube");

    /** For a process started outside a pod (tests): the token, when {@value Manifests#TOKEN_VARIABLE} is not set. */
    static final String TOKEN_PROPERTY = "cleave.gateway.token";

    /**
     * The gateway {@code [gateway]} asks for.
     *
     * @param gateway what runs it (in the gateway's pods)
     * @param section the {@code [gateway]} section
     */
    record Front(Gateway gateway, ConfigSection section) {
    }

    /** With {@code [gateway]}, in the gateway's pods and the listening groups' pods: the token from its Secret. */
    private final Optional<String> token;
    /** In the gateway's pods: the gateway and the listeners it serves. */
    private final Optional<Front> front;
    private final Optional<GroupGraph.Front> gatewayPlan;
    private final String application;
    private final String namespace;
    private final Map<String, ComponentDescriptor<?>> all = new LinkedHashMap<>();
    private volatile Gateway.Running gateway;
    private volatile EndpointSliceDiscovery upstreams;

    private final String group;
    private final Set<String> hosted;
    private final Map<String, RoutingTable> tables = new LinkedHashMap<>();
    private final Map<String, ComponentDescriptor<?>> descriptors = new LinkedHashMap<>();
    private final KubeSettings settings;
    private final TransportSettings transport;
    private final GroupGraph graph;
    private final Optional<Credentials> credentials;
    private final RpcClient client;
    private final HttpServer health;
    private final KubernetesClient kubernetes;
    private final EndpointSliceDiscovery discovery;
    private volatile boolean ready;
    private volatile boolean draining;
    private volatile RpcServer server;

    private PodDeployment(String application, GroupGraph.Group group, GroupGraph graph, List<ComponentDescriptor<?>> components,
            KubeSettings settings, TransportSettings transport, KubernetesClient kubernetes, String namespace,
            Optional<Front> front, Optional<String> token) {
        this.application = application;
        this.namespace = namespace;
        this.group = group.name();
        this.hosted = Set.copyOf(group.components());
        this.settings = settings;
        this.transport = transport;
        this.graph = graph;
        this.kubernetes = kubernetes;
        this.gatewayPlan = group.name().equals(GroupGraph.GATEWAY) ? graph.gateway() : Optional.empty();
        this.front = gatewayPlan.isPresent() ? front : Optional.empty();
        this.token = token;
        // the gateway's pods call no component: no certificate is mounted there
        this.credentials = gatewayPlan.isPresent() ? Optional.empty() : credentials(transport);
        this.health = healthEndpoint(settings.adminPort());
        RpcClient.Builder cb = GroupGraph.client(transport);
        credentials.ifPresent(cb::tls);
        this.client = cb.build();
        Map<String, List<RoutingTable>> byService = new LinkedHashMap<>();
        for (ComponentDescriptor<?> c : components) {
            descriptors.put(c.name(), c);
            all.put(c.name(), c);
        }
        if (gatewayPlan.isPresent()) {
            components.forEach(c -> tables.put(c.name(), RoutingTable.of())); // never called from here
            this.discovery = EndpointSliceDiscovery.watch(kubernetes, namespace, List.of());
            return;
        }
        for (GroupGraph.Group other : graph.groups()) {
            if (other.name().equals(this.group)) {
                continue;
            }
            List<RoutingTable> routed = new ArrayList<>();
            for (String member : other.components()) {
                RoutingTable t = RoutingTable.of();
                tables.put(member, t);
                routed.add(t);
            }
            byService.put(Names.object(application, other.name()), routed);
        }
        this.discovery = EndpointSliceDiscovery.start(kubernetes, namespace, byService);
    }

    /**
     * Starts this pod's part: the probes' endpoint (live, not ready) and discovery.
     *
     * @throws StartupException if the group is not one of the application's, the certificate
     *     files cannot be read, or the admin port is taken
     */
    static PodDeployment start(String application, String group, GroupGraph graph, List<ComponentDescriptor<?>> components,
            KubeSettings settings, TransportSettings transport, KubernetesClient kubernetes, String namespace,
            Optional<Front> front) {
        List<GroupGraph.Group> groups = new ArrayList<>(graph.groups());
        graph.gateway().ifPresent(f -> groups.add(new GroupGraph.Group(GroupGraph.GATEWAY, List.of(), f.replicas())));
        GroupGraph.Group g = groups.stream().filter(x -> x.name().equals(group)).findFirst()
                .orElseThrow(() -> new StartupException("deployer kube: " + Manifests.GROUP_VARIABLE + " = \"" + group
                        + "\" is not a group of " + application + "; its groups are "
                        + String.join(", ", groups.stream().map(GroupGraph.Group::name).toList())
                        + (front.isPresent() ? ", " + GroupGraph.GATEWAY : "")));
        Map<String, ComponentDescriptor<?>> byName = new LinkedHashMap<>();
        components.forEach(c -> byName.put(c.name(), c));
        boolean listens = g.components().stream().anyMatch(c -> !listeners(byName.get(c)).isEmpty());
        Optional<String> token = front.isPresent() && (listens || group.equals(GroupGraph.GATEWAY))
                ? Optional.of(token(group, settings)) : Optional.empty();
        return new PodDeployment(application, g, graph, components, settings, transport, kubernetes, namespace, front, token);
    }

    /** The listeners a component asks for. */
    private static Set<String> listeners(ComponentDescriptor<?> component) {
        Set<String> names = new java.util.TreeSet<>();
        for (Dependency d : component.dependencies()) {
            if (d instanceof Dependency.OnService on && on.type() == Listener.class) {
                names.add(on.parameter());
            }
        }
        return names;
    }

    /**
     * The gateway's token, from the Secret the manifests reference in {@value Manifests#TOKEN_VARIABLE}.
     *
     * @throws StartupException naming the Secret and how to create it, when the variable is missing
     */
    private static String token(String group, KubeSettings settings) {
        String secret = settings.gateway().map(KubeSettings.GatewaySettings::tokenSecret).orElse("<app>-gateway-token");
        String value = Optional.ofNullable(System.getenv(Manifests.TOKEN_VARIABLE))
                .or(() -> Optional.ofNullable(System.getProperty(TOKEN_PROPERTY))).orElse("").strip();
        if (value.isEmpty()) {
            throw new StartupException("deployer kube: group " + group + " runs behind the gateway ([gateway]) and needs"
                    + " the gateway's token in " + Manifests.TOKEN_VARIABLE + ", which the manifests take from key \""
                    + Manifests.TOKEN_KEY + "\" of Secret " + settings.namespace() + "/" + secret + " ([kube]"
                    + " gateway-token-secret); the manifests reference it and do not write it. Create it once: kubectl"
                    + " create secret generic " + secret + " --from-literal=" + Manifests.TOKEN_KEY
                    + "=$(openssl rand -base64 32)");
        }
        return value;
    }

    @Override
    public Optional<String> gatewayToken() {
        return front.isEmpty() ? token : Optional.empty();
    }

    /** A listening group's pod has an address of its own: its listener keeps the port its Service names. */
    @Override
    public boolean gatewayElsewhere() {
        return token.isPresent() && front.isEmpty();
    }

    private static Optional<Credentials> credentials(TransportSettings transport) {
        TransportSettings.Tls tls = transport.tls();
        if (!tls.enabled()) {
            LOG.log(System.Logger.Level.WARNING, "[transport] mtls = false (" + tls.origin() + "): calls between this"
                    + " application's pods are PLAINTEXT; the NetworkPolicies still admit only the graph's edges");
            return Optional.empty();
        }
        if (!tls.fromFiles()) {
            throw new StartupException("deployer kube: [transport] mtls is on, but cert, key and ca-cert are not set ("
                    + tls.origin() + "); in a pod they come from the group's certificate secret, which the manifests of"
                    + " cleave deploy kube mount at " + Manifests.TLS_DIR + " and name in CLEAVE_TRANSPORT__CERT,"
                    + " CLEAVE_TRANSPORT__KEY and CLEAVE_TRANSPORT__CA_CERT");
        }
        try {
            return Optional.of(Credentials.fromPem(Path.of(tls.certificate().orElseThrow()), Path.of(tls.key().orElseThrow()),
                    Path.of(tls.caCertificate().orElseThrow())));
        } catch (IOException e) {
            throw new StartupException("deployer kube: [transport] cert / key / ca-cert: " + e.getMessage(), e);
        }
    }

    private HttpServer healthEndpoint(int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new StartupException("deployer kube: [kube] admin-port = " + port + ": cannot listen: " + e.getMessage(), e);
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/live", exchange -> answer(exchange, 200, "live"));
        http.createContext("/ready", exchange -> {
            if (ready) {
                answer(exchange, 200, "ready");
            } else {
                answer(exchange, 503, draining ? "draining" : "starting");
            }
        });
        http.start();
        return http;
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** @return the port of the probes' endpoint (the configured one; tests may configure their own) */
    int adminPort() {
        return health.getAddress().getPort();
    }

    @Override
    public boolean hosts(ComponentDescriptor<?> component) {
        return hosted.contains(component.name());
    }

    @Override
    public Invoker remote(ComponentDescriptor<?> component) {
        RoutingTable table = tables.get(component.name());
        if (table == null) {
            throw new IllegalStateException("component " + component.name() + " is hosted in group " + group);
        }
        return client.invoker(component.name(), table);
    }

    @Override
    public void started(Map<String, Object> instances) {
        if (front.isPresent()) {
            startGateway(front.get(), gatewayPlan.orElseThrow());
            ready = true;
            return;
        }
        RpcServer.Builder builder = GroupGraph.server(transport).bindHost("0.0.0.0").port(settings.rpcPort());
        credentials.ifPresent(c -> builder.tls(c, graph.authorizer()));
        for (Map.Entry<String, Object> e : instances.entrySet()) {
            host(builder, descriptors.get(e.getKey()), e.getValue());
        }
        server = builder.start();
        ready = true;
        LOG.log(System.Logger.Level.INFO, "group " + group + " serves " + instances.keySet() + " on port "
                + server.address().getPort() + "; probes on port " + adminPort());
    }

    /**
     * Serves the listeners on every address of the pod, their configured ports, and follows each
     * listening group's Service: its ready pods on the listener's port are the listener's replicas.
     */
    private void startGateway(Front f, GroupGraph.Front plan) {
        Gateway.Running running;
        try {
            running = f.gateway().start(application, f.section(), plan.listeners(), token.orElseThrow());
        } catch (Exception e) {
            throw new StartupException("gateway: cannot serve " + plan.listeners() + ": " + e.getMessage(), e);
        }
        gateway = running;
        // per listener, per Service of a group that listens on it: its ready pods; the union goes to the gateway
        Map<String, Map<String, Set<Replica>>> found = new LinkedHashMap<>();
        List<EndpointSliceDiscovery.Watch> watches = new ArrayList<>();
        for (GroupGraph.Group g : graph.groups()) {
            if (!plan.listening().contains(g.name())) {
                continue;
            }
            Set<String> names = new java.util.TreeSet<>();
            g.components().forEach(c -> names.addAll(listeners(all.get(c))));
            for (String listener : names) {
                if (!plan.listeners().containsKey(listener)) {
                    continue;
                }
                String service = Names.object(application, g.name());
                watches.add(new EndpointSliceDiscovery.Watch(service, Manifests.portName(listener), replicas -> {
                    List<URI> urls = new ArrayList<>();
                    // informers call from threads of their own: handed over under the lock, so a later
                    // union is never overwritten by an earlier one
                    synchronized (found) {
                        found.computeIfAbsent(listener, k -> new LinkedHashMap<>()).put(service, replicas);
                        found.get(listener).values().forEach(rs -> rs.forEach(r -> urls.add(url(r))));
                        running.upstreams(listener, urls);
                    }
                    LOG.log(System.Logger.Level.INFO, "gateway: listener " + listener + " -> " + urls);
                }));
            }
        }
        upstreams = EndpointSliceDiscovery.watch(kubernetes, namespace, watches);
        LOG.log(System.Logger.Level.INFO, "gateway serves " + running.endpoints().values() + "; probes on port " + adminPort());
    }

    private synchronized void closeGateway() {
        Gateway.Running g = gateway;
        gateway = null;
        if (g != null) {
            g.close();
        }
    }

    private static URI url(Replica r) {
        return URI.create("http://" + (r.host().contains(":") ? "[" + r.host() + "]" : r.host()) + ":" + r.port());
    }

    private static <T> void host(RpcServer.Builder builder, ComponentDescriptor<T> descriptor, Object instance) {
        builder.host(descriptor, descriptor.type().cast(instance));
    }

    /** SIGTERM, after the pre-stop delay: not ready any more, then GOAWAY and the calls in flight finish. */
    @Override
    public void stopping() {
        ready = false;
        draining = true;
        closeGateway(); // no new requests; those in flight finish
        RpcServer s = server;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        ready = false;
        EndpointSliceDiscovery u = upstreams;
        if (u != null) {
            u.close();
        }
        closeGateway();
        discovery.close();
        client.close();
        kubernetes.close();
        health.stop(0);
    }
}
