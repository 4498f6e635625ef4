package io.cleave.gateway;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.cleave.gateway.GatewaySettings.Admission;
import io.cleave.runtime.spi.Gateway;
import io.cleave.spi.ListenFailure;
import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientProtocolConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http2.Http2Config;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A started gateway: one Helidon server per listener's public address, one upstream client whose
 * replicas each have a pool of keep-alive connections of their own (closed when the replica goes),
 * the health probe and the rate limits.
 */
final class FrontDoor implements Gateway.Running {

    /** How long {@link #close} lets requests in flight finish. */
    static final Duration GRACE = Duration.ofSeconds(10);
    /**
     * How the proxy speaks to upstreams: HTTP/1.1 alone (no version to discover per request). A request's
     * headers were validated as the listener read them, and an upstream's are as the client reads them:
     * checking each again as it is written out would be a second pass over every header.
     */
    static final Http1ClientProtocolConfig UPSTREAM_HTTP1 = Http1ClientProtocolConfig.builder()
            .validateRequestHeaders(false).validateResponseHeaders(true).build();

    private record Served(WebServer server, Upstreams upstreams, String scheme, String host) {
    }

    private final String application;
    private final Map<String, Served> listeners;
    private final RateLimits rateLimits;
    private final Router router;
    private final WebClient client;
    private final HealthProbe probe;
    private final EdgeCache cache;

    private FrontDoor(String application, Map<String, Served> listeners, RateLimits rateLimits, Router router,
            WebClient client, EdgeCache cache) {
        this.application = application;
        this.listeners = listeners;
        this.rateLimits = rateLimits;
        this.router = router;
        this.client = client;
        this.cache = cache;
        this.probe = new HealthProbe(() -> Stream.concat(
                listeners.values().stream().map(Served::upstreams), router.upstreams().stream()).toList());
    }

    /**
     * Serves the listeners' public addresses.
     *
     * @param token what the proxy presents to the app's replicas (see {@link io.cleave.runtime.spi.Gateway#start})
     */
    static FrontDoor start(String application, GatewaySettings settings, RouteSettings routes,
            Map<String, InetSocketAddress> addresses, String token) {
        return start(application, settings, routes, addresses, token, System::nanoTime);
    }

    /** As {@link #start(String, GatewaySettings, RouteSettings, Map, String)}, the edge cache's entries expiring by {@code nanoTime}. */
    static FrontDoor start(String application, GatewaySettings settings, RouteSettings routes,
            Map<String, InetSocketAddress> addresses, String token, LongSupplier nanoTime) {
        Optional<Tls> tls = settings.tls().map(GatewayTls::load);
        Duration upstreamTimeout = settings.upstreamTimeout();
        WebClient client = WebClient.builder()
                .servicesDiscoverServices(false)
                .followRedirects(false)
                .sendExpectContinue(false)
                .keepAlive(true)
                // a request's headers and body go in separate writes: the body must not wait for a delayed ACK
                .socketOptions(io.helidon.common.socket.SocketOptions.builder().tcpNoDelay(true).build())
                .connectionCacheSize(1024)
                .shareConnectionCache(false)
                // an upstream is a replica the gateway knows by address, never reached through the JVM's proxy
                .proxy(io.helidon.webclient.api.Proxy.noProxy())
                .connectTimeout(upstreamTimeout.compareTo(Duration.ofSeconds(3)) < 0 ? upstreamTimeout : Duration.ofSeconds(3))
                .readTimeout(upstreamTimeout)
                .build();
        // a pool of connections per replica, so that a replica removed closes exactly its own
        Supplier<Http1Client> pools = () -> client.client(Http1Client.PROTOCOL, UPSTREAM_HTTP1);
        Router router = Router.start(routes, pools);
        RateLimits rateLimits;
        try {
            rateLimits = RateLimits.create(application, settings);
        } catch (RuntimeException e) {
            router.close();
            throw e;
        }
        Map<String, Served> served = new LinkedHashMap<>();
        EdgeCache cache = null;
        try {
            cache = EdgeCache.create(application, settings, nanoTime);
            for (Map.Entry<String, InetSocketAddress> e : addresses.entrySet()) {
                served.put(e.getKey(), serve(e.getKey(), e.getValue(), settings, tls, router, rateLimits, pools, cache, token));
            }
        } catch (RuntimeException e) {
            served.values().forEach(s -> s.server().stop());
            rateLimits.close();
            router.close();
            if (cache != null) {
                cache.close();
            }
            throw e;
        }
        return new FrontDoor(application, served, rateLimits, router, client, cache);
    }

    private static Served serve(String name, InetSocketAddress address, GatewaySettings settings, Optional<Tls> tls,
            Router router, RateLimits rateLimits, Supplier<Http1Client> pools, EdgeCache cache, String token) {
        Upstreams upstreams = new Upstreams("listener " + name, pools);
        Proxy proxy = new Proxy(name, settings, upstreams, router, rateLimits, tls.isPresent(),
                admission(name, settings), token);
        DirectHandler plainErrors = new PlainErrors(settings.maxHeaderSize());
        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .shutdownGracePeriod(GRACE)
                .featuresDiscoverServices(false)
                .host(address.getHostString())
                .port(address.getPort())
                .maxPayloadSize(settings.maxBody())
                // ours alone, so bytes Helidon cannot identify get a 400 rather than a closed connection
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder().maxHeadersSize(settings.maxHeaderSize()).validateRequestHeaders(true)
                        .validateResponseHeaders(false).build())
                .addProtocol(Http2Config.create())
                .concurrencyLimitDiscoverServices(false)
                // blocking sockets: only their reads honour the read timeout SilenceLimit sets
                .useNio(false)
                .connectionOptions(new SilenceLimit(settings.readTimeout()))
                .errorHandling(e -> e.includeEntity(true))
                .directHandlers(d -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        d.addHandler(type, plainErrors);
                    }
                })
                .routing(r -> cache.route(r, name, upstreams, proxy, tls.isPresent()));
        tls.ifPresent(builder::tls);
        WebServer server = builder.build();
        server.start();
        if (!server.isRunning()) {
            // Helidon logs a failed bind and stops instead of throwing; find out why to say so
            throw new IllegalStateException("gateway: listener " + name + " cannot listen on " + address + ": "
                    + ListenFailure.explain(address.getHostString(), address.getPort()));
        }
        return new Served(server, upstreams, tls.isPresent() ? "https" : "http", address.getHostString());
    }

    /** The bound on a listener's requests in flight, refusing at once beyond it. */
    static Optional<Limiter<Void>> admission(String listener, GatewaySettings settings) {
        return switch (settings.admission()) {
            case Admission.Off off -> Optional.empty();
            case Admission.Fixed fixed -> Optional.of(SimpleLimiter.newBuilder().named("cleave-gateway-" + listener)
                    .limit(FixedLimit.of(fixed.limit())).build());
            case Admission.Gradient g -> Optional.of(SimpleLimiter.newBuilder().named("cleave-gateway-" + listener)
                    .limit(Gradient2Limit.newBuilder().initialLimit(g.initial()).minLimit(g.min())
                            .maxConcurrency(g.max()).rttTolerance(g.tolerance()).build())
                    .build());
        };
    }

    @Override
    public void upstreams(String listener, List<URI> replicas) {
        Served s = listeners.get(listener);
        if (s == null) {
            throw new IllegalArgumentException("gateway of " + application + " has no listener \"" + listener
                    + "\"; it serves " + listeners.keySet());
        }
        for (URI uri : replicas) {
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("replica " + uri + " of listener " + listener
                        + ": expected http://host:port");
            }
        }
        s.upstreams().replace(replicas);
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> out = new LinkedHashMap<>();
        listeners.forEach((name, s) -> {
            String host = s.host().contains(":") ? "[" + s.host() + "]" : s.host();
            out.put(name, s.scheme() + "://" + host + ":" + s.server().port() + "/");
        });
        return out;
    }

    /** The route table in force and its reloads, for tests. */
    Router router() {
        return router;
    }

    /** The edge cache, for tests. */
    EdgeCache cache() {
        return cache;
    }

    /** The bound port of a listener, for tests that bind port 0. */
    int port(String listener) {
        return listeners.get(listener).server().port();
    }

    @Override
    public void close() {
        probe.close();
        List<Thread> stopping = new ArrayList<>();
        for (Served s : listeners.values()) {
            stopping.add(Thread.ofVirtual().start(() -> s.server().stop()));
        }
        for (Thread t : stopping) {
            try {
                t.join(GRACE.plusSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        router.close();
        listeners.values().forEach(s -> s.upstreams().retire());
        client.closeResource();
        rateLimits.close();
        cache.close();
    }

    /** What Helidon refuses before routing, as plain text; headers over the limit as the 431 they are. */
    private static final class PlainErrors implements DirectHandler {

        private final int maxHeaderSize;

        PlainErrors(int maxHeaderSize) {
            this.maxHeaderSize = maxHeaderSize;
        }

        @Override
        public TransportResponse handle(TransportRequest request, EventType type, Status status,
                io.helidon.http.ServerResponseHeaders headers, String message) {
            Status answer = status;
            boolean keepAlive = type.keepAlive();
            String text = message == null || message.isBlank() ? status.reasonPhrase() : message;
            if (type == EventType.BAD_REQUEST && "Header size exceeded".equals(message)) {
                answer = Status.create(431, "Request Header Fields Too Large");
                keepAlive = false;
                text = "request headers over the limit of " + maxHeaderSize + " bytes";
            }
            return TransportResponse.builder()
                    .status(answer)
                    .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .keepAlive(keepAlive)
                    .entity((text + "\n").getBytes(StandardCharsets.UTF_8))
                    .build();
        }
    }
}
