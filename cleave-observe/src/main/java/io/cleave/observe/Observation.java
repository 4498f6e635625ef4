package io.cleave.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cleave.StartupException;
import io.cleave.runtime.spi.CallDecorator;
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
    private final JvmGcMetrics gc;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String metricsUrl;

    private Observation(PrometheusMeterRegistry registry, JvmGcMetrics gc, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.gc = gc;
        this.server = server;
        this.executor = executor;
        this.metricsUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    /**
     * Makes the registry and starts the admin endpoint.
     *
     * @throws StartupException if the admin port cannot be listened on
     */
    static Observation start(String application, ObserveSettings settings) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", application);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
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
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> answer(exchange, PROMETHEUS_TEXT, registry.scrape()));
        server.start();
        Observation observation = new Observation(registry, gc, server, executor);
        LOG.log(System.Logger.Level.INFO, "application " + application + ": metrics at " + observation.metricsUrl);
        return observation;
    }

    private static void answer(HttpExchange exchange, String type, String body) throws IOException {
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
            exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public Invoker decorate(ComponentDescriptor<?> callee, Invoker next, boolean encoded) {
        return new MeteredInvoker(callee, next, registry);
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("metrics", metricsUrl);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        gc.close();
        registry.close();
    }
}
