package io.cleave.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cleave.StartupException;
import io.cleave.runtime.spi.CallDecorator;
import io.cleave.spi.CallObserver;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Observability of one application in one process: a Prometheus registry with the JVM's meters,
 * every call this process makes to a component metered ({@link MeteredInvoker}), local calls
 * included, and the admin endpoint serving it all on loopback.
 */
final class Observation implements CallDecorator.Decoration {

    private static final System.Logger LOG = System.getLogger("cleave.observe");
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final CallMeters calls;
    private final Tracing tracing;
    private final JvmGcMetrics gc;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String metricsUrl;
    private final String tracesUrl;
    private final String dashboardUrl;
    private final TopologyDashboard topology;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Observation(PrometheusMeterRegistry registry, CallMeters calls, Tracing tracing, JvmGcMetrics gc,
            HttpServer server, ExecutorService executor, TopologyDashboard topology) {
        this.registry = registry;
        this.calls = calls;
        this.topology = topology;
        this.tracing = tracing;
        this.gc = gc;
        this.server = server;
        this.executor = executor;
        this.metricsUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
        this.tracesUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/traces";
        this.dashboardUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/dashboard";
    }

    /**
     * Makes the registry and starts the admin endpoint.
     *
     * @throws StartupException if the admin port cannot be listened on
     */
    static Observation start(String application, java.nio.file.Path dataDirectory,
            java.util.List<io.cleave.spi.ComponentDescriptor<?>> components, ObserveSettings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", application);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        CallMeters calls = new CallMeters(application, registry);
        registry.getPrometheusRegistry().register(calls);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.adminPort()), 16);
        } catch (IOException e) {
            gc.close();
            registry.close();
            throw new StartupException(settings.origin() + ": the admin endpoint cannot listen on 127.0.0.1:"
                    + settings.adminPort() + ": " + e.getMessage() + (settings.adminPort() == 0 ? ""
                    : " (another process has it; with several processes per application leave admin-port 0)"), e);
        }
        Tracing tracing = Tracing.start(application, dataDirectory, settings);
        TraceLogFormatter.install();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> answer(exchange, PROMETHEUS_TEXT, registry.scrape()));
        server.createContext("/traces", exchange -> answer(exchange, "application/json", JSON.writeValueAsString(
                query(exchange, "summary").equals("1") ? Map.of("traces", tracing.recent().summaries())
                        : Map.of("spans", tracing.recent().snapshot(query(exchange, "trace"))))));
        server.createContext("/calls", exchange -> answer(exchange, "application/json",
                JSON.writeValueAsString(calls(application, calls, registry))));
        TopologyDashboard topology = new TopologyDashboard(application, components, () -> calls(application, calls, registry),
                tracing.recent());
        topology.register(server);
        byte[] page;
        try (java.io.InputStream in = Observation.class.getResourceAsStream("dashboard.html")) {
            page = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cleave-observe's jar lacks its dashboard.html", e);
        }
        String html = new String(page, StandardCharsets.UTF_8);
        server.createContext("/dashboard", exchange -> answer(exchange, "text/html; charset=utf-8", html));
        server.start();
        Observation observation = new Observation(registry, calls, tracing, gc, server, executor, topology);
        LOG.log(System.Logger.Level.INFO, "application " + application + ": metrics at " + observation.metricsUrl
                + ", recent traces at " + observation.tracesUrl + ", dashboard at " + observation.dashboardUrl);
        return observation;
    }

    /**
     * The call meters now, for the dashboard: every {@code cleave_calls_seconds} histogram with its
     * count and cumulative buckets (seconds), and the calls in flight by {@code component.method}.
     */
    static Map<String, Object> calls(String application, CallMeters calls, PrometheusMeterRegistry registry) {
        java.util.List<Map<String, Object>> timers = new java.util.ArrayList<>();
        for (CallMeters.Snapshot s : calls.snapshot()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("component", s.component());
            m.put("method", s.method());
            m.put("outcome", s.outcome().label);
            m.put("count", s.count());
            m.put("buckets", s.cumulative());
            timers.add(m);
        }
        Map<String, Object> inFlight = new java.util.TreeMap<>();
        for (io.micrometer.core.instrument.Gauge g : registry.find("cleave.calls.in.flight").gauges()) {
            inFlight.put(g.getId().getTag("component") + "." + g.getId().getTag("method"), (long) g.value());
        }
        Map<String, Map<String, Object>> bytes = new java.util.TreeMap<>();
        for (io.micrometer.core.instrument.Counter c : registry.find("cleave.calls.bytes").counters()) {
            String component = c.getId().getTag("component");
            String method = c.getId().getTag("method");
            Map<String, Object> m = bytes.computeIfAbsent(component + "." + method, k -> new java.util.LinkedHashMap<>(
                    Map.of("component", component, "method", method, "sent", 0L, "received", 0L)));
            m.put(c.getId().getTag("direction"), (long) c.count());
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("application", application);
        out.put("at", System.currentTimeMillis());
        out.put("pid", ProcessHandle.current().pid());
        out.put("cpuNanos", CPU == null ? -1 : CPU.getProcessCpuTime());
        out.put("timers", timers);
        out.put("inFlight", inFlight);
        out.put("bytes", new java.util.ArrayList<>(bytes.values()));
        return out;
    }

    private static final com.sun.management.OperatingSystemMXBean CPU =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os : null;

    /** A query parameter's value, empty when absent. */
    static String query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return "";
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void answer(HttpExchange exchange, String type, String body) throws IOException {
        answer(exchange, 200, type, body);
    }

    static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public Invoker decorate(ComponentDescriptor<?> callee, Invoker next, boolean encoded) {
        return new ObservedInvoker(callee, next, encoded, calls, registry, tracing);
    }

    /** Plain local calls are counted by the component's observed reference: no invoker, nothing allocated. */
    @Override
    public Optional<CallObserver> observer(ComponentDescriptor<?> callee) {
        return Optional.of(new LocalObserver(callee, calls, tracing));
    }

    @Override
    public void overview(io.cleave.runtime.spi.Overview overview) {
        topology.overview(overview);
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("metrics", metricsUrl, "traces", tracesUrl, "dashboard", dashboardUrl);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        tracing.close();
        gc.close();
        registry.close();
    }
}
