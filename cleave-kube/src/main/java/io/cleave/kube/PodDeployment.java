package io.cleave.kube;

import com.sun.net.httpserver.HttpServer;
import io.cleave.StartupException;
import io.cleave.deploy.GroupGraph;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.transport.Credentials;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * draining).
 */
final class PodDeployment implements Deployment {

    private static final System.Logger LOG = System.getLogger("cleave.kube");

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
    private volatile RpcServer server;

    private PodDeployment(String application, GroupGraph.Group group, GroupGraph graph, List<ComponentDescriptor<?>> components,
            KubeSettings settings, TransportSettings transport, KubernetesClient kubernetes, String namespace) {
        this.group = group.name();
        this.hosted = Set.copyOf(group.components());
        this.settings = settings;
        this.transport = transport;
        this.graph = graph;
        this.kubernetes = kubernetes;
        this.credentials = credentials(transport);
        this.health = healthEndpoint(settings.adminPort());
        RpcClient.Builder cb = GroupGraph.client(transport);
        credentials.ifPresent(cb::tls);
        this.client = cb.build();
        Map<String, List<RoutingTable>> byService = new LinkedHashMap<>();
        for (ComponentDescriptor<?> c : components) {
            descriptors.put(c.name(), c);
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
            KubeSettings settings, TransportSettings transport, KubernetesClient kubernetes, String namespace) {
        GroupGraph.Group g = graph.groups().stream().filter(x -> x.name().equals(group)).findFirst()
                .orElseThrow(() -> new StartupException("deployer kube: " + Manifests.GROUP_VARIABLE + " = \"" + group
                        + "\" is not a group of " + application + "; its groups are "
                        + String.join(", ", graph.groups().stream().map(GroupGraph.Group::name).toList())));
        return new PodDeployment(application, g, graph, components, settings, transport, kubernetes, namespace);
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
                answer(exchange, 503, server == null ? "starting" : "draining");
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

    private static <T> void host(RpcServer.Builder builder, ComponentDescriptor<T> descriptor, Object instance) {
        builder.host(descriptor, descriptor.type().cast(instance));
    }

    /** SIGTERM, after the pre-stop delay: not ready any more, then GOAWAY and the calls in flight finish. */
    @Override
    public void stopping() {
        ready = false;
        RpcServer s = server;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() {
        ready = false;
        discovery.close();
        client.close();
        kubernetes.close();
        health.stop(0);
    }
}
