package io.cleave.web;

import io.cleave.CallContext;
import io.cleave.CallRejectedException;
import io.cleave.ComponentUnavailableException;
import io.cleave.HttpError;
import io.cleave.Listener;
import io.cleave.RemoteFailureException;
import io.cleave.StoreUnavailableException;
import io.cleave.WebRequest;
import io.cleave.WebResponse;
import io.cleave.spi.ListenFailure;
import io.cleave.web.ListenerSettings.Concurrency;
import io.helidon.common.concurrency.limits.AimdLimit;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.concurrency.limits.LimitAlgorithm;
import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A {@link Listener} on Helidon WebServer: each connection on its own virtual thread, handlers
 * called on it directly. Routing is ours (one catch-all Helidon route) so errors, {@code 404}
 * and {@code 405} look the same everywhere and routes can be added while serving.
 */
final class HttpListener implements Listener {

    static final System.Logger LOG = System.getLogger("io.cleave.web");
    static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final String GATEWAY_TOKEN = io.cleave.spi.ServiceProvider.Request.GATEWAY_TOKEN_HEADER.toLowerCase(Locale.ROOT);
    /** What a listener serving TLS tells browsers: use HTTPS only, for a year. */
    static final String HSTS = "max-age=31536000";
    /**
     * Headers every response carries unless its handler set them: a page loads its scripts, styles,
     * images and data from its own origin only (no inline scripts or style attributes), and may not
     * be framed.
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
                    + "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            "x-content-type-options", "nosniff",
            "x-frame-options", "DENY",
            "referrer-policy", "strict-origin-when-cross-origin");
    /** The token of a listener without a limit: nothing to give back. */
    private static final LimitAlgorithm.Token NO_LIMIT = new LimitAlgorithm.Token() {
        @Override
        public void dropped() {
        }

        @Override
        public void ignore() {
        }

        @Override
        public void success() {
        }
    };
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String name;
    private final ListenerSettings settings;
    private final ListenerAddress address;
    private final boolean secure;
    private final Router router = new Router();
    private volatile List<StaticResources> resources = List.of();
    private final WebServer server;
    private final AtomicInteger users = new AtomicInteger();
    /** The gateway's address in front of this listener, which {@link #uri()} names; null when none serves it. */
    private volatile URI servedAt;
    /** The bound on requests served at once; null for none. */
    private final Limit limit;

    private HttpListener(String application, java.nio.file.Path dataDirectory, ListenerSettings settings, Optional<Tls> tls) {
        this.name = settings.name();
        this.settings = settings;
        this.address = settings.address();
        this.secure = tls.isPresent();
        RequestSpans spans = new RequestSpans(application, dataDirectory, name);
        DirectHandler jsonErrors = new JsonErrors(settings);
        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .host(address.host())
                .port(address.port())
                .maxPayloadSize(settings.maxBody())
                // ours alone: a discovered HTTP/1 config beside it would make two candidates, and Helidon then
                // closes a connection whose first bytes it cannot identify instead of answering 400
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder().maxHeadersSize(settings.maxHeaderSize()).build())
                // the listener's own limit sheds in routing (below), where a 503 keeps its connection
                .concurrencyLimitDiscoverServices(false)
                // blocking sockets rather than NIO channels: only their reads honour ReadDeadline's SO_TIMEOUT
                .useNio(false)
                .connectionOptions(new ReadDeadline(settings.readTimeout()))
                .errorHandling(e -> e.includeEntity(true)) // Helidon's safe messages, so JsonErrors can tell a 431
                .directHandlers(d -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        d.addHandler(type, jsonErrors);
                    }
                })
                .routing(r -> r.any((req, res) -> spans.around(req, res, this::serve)));
        this.limit = limit(settings.concurrency()).orElse(null);
        tls.ifPresent(builder::tls);
        this.server = builder.build();
    }

    /**
     * The bound on requests in flight: beyond it {@link #serve} answers at once (no queue) with a
     * {@code 503} and {@code Retry-After}.
     */
    static Optional<Limit> limit(Concurrency c) {
        return switch (c.kind()) {
            case GRADIENT -> Optional.of(new GradientLimit(c));
            case ADAPTIVE -> Optional.of(AimdLimit.builder().minLimit(c.min()).initialLimit(c.min()).maxLimit(c.max())
                    .timeout(c.slowRequest()).queueLength(0).build());
            case FIXED -> Optional.of(FixedLimit.builder().permits(c.min()).queueLength(0).build());
            case OFF -> Optional.empty();
        };
    }

    /** Binds and starts serving, over TLS when the settings say so. */
    static HttpListener start(String application, java.nio.file.Path dataDirectory, ListenerSettings settings) {
        Optional<Tls> tls = settings.tls().map(source -> ListenerTls.load(settings.origin(), source));
        HttpListener listener = new HttpListener(application, dataDirectory, settings, tls);
        listener.server.start();
        if (!listener.server.isRunning()) {
            // Helidon logs a failed bind and stops instead of throwing; find out why to say so
            throw new IllegalStateException(ListenFailure.explain(settings.address().host(), settings.address().port()));
        }
        return listener;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Listener get(String pattern, Handler handler) {
        router.add("GET", pattern, handler);
        return this;
    }

    @Override
    public Listener post(String pattern, Handler handler) {
        router.add("POST", pattern, handler);
        return this;
    }

    @Override
    public Listener put(String pattern, Handler handler) {
        router.add("PUT", pattern, handler);
        return this;
    }

    @Override
    public Listener delete(String pattern, Handler handler) {
        router.add("DELETE", pattern, handler);
        return this;
    }

    @Override
    public synchronized Listener resources(String urlPrefix, String classpathDirectory) {
        PathPattern prefix = PathPattern.parse(urlPrefix);
        if (prefix.parameter().contains(true)) {
            throw new IllegalArgumentException("resource prefix \"" + urlPrefix + "\" must not have parameters");
        }
        for (StaticResources r : resources) {
            if (r.prefix().equals(prefix.segments())) {
                throw new IllegalArgumentException("resource prefix \"" + urlPrefix + "\" already serves " + r.directory());
            }
        }
        String directory = classpathDirectory.replaceAll("^/+|/+$", "");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<StaticResources> copy = new ArrayList<>(resources);
        copy.add(new StaticResources(prefix.segments(), directory, loader == null ? HttpListener.class.getClassLoader() : loader));
        // longest prefix first, so /assets/img wins over /assets
        copy.sort((a, b) -> Integer.compare(b.prefix().size(), a.prefix().size()));
        resources = List.copyOf(copy);
        return this;
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public URI uri() {
        URI front = servedAt;
        return front != null ? front : URI.create((secure ? "https://" : "http://") + address.urlHost() + ":" + port() + "/");
    }

    /** Where clients reach this listener: the gateway's address in front of it, from now on. */
    void servedAt(URI front) {
        servedAt = front;
    }

    /** Counts one more component using this listener. */
    void acquire() {
        users.incrementAndGet();
    }

    /** Stops the server when the last component using it releases it. */
    void release() {
        if (users.decrementAndGet() <= 0) {
            server.stop();
        }
    }

    boolean isRunning() {
        return server.isRunning();
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String method = req.prologue().method().text();
        String rawPath = req.prologue().uriPath().rawPath();
        String requestId = req.headers().first(X_REQUEST_ID)
                .filter(id -> CLIENT_REQUEST_ID.matcher(id).matches())
                .orElseGet(HttpListener::newRequestId);
        LimitAlgorithm.Token admitted = NO_LIMIT;
        if (limit != null) {
            LimitAlgorithm.Outcome outcome = limit.tryAcquireOutcome(false);
            if (!(outcome instanceof LimitAlgorithm.Outcome.Accepted accepted)) {
                // shed before any work, on a connection that stays open: the client retries on it, not on a new one
                write(res, method, error(503, "listener " + name + " is at its concurrency limit; retry shortly", requestId)
                        .withHeader("retry-after", "1"), requestId);
                return;
            }
            admitted = accepted.token();
        }
        try {
            // what the handler calls (components, the store) carries the request's deadline
            CallContext.withDeadline(settings.requestTimeout(), () -> {
                serve(req, res, method, rawPath, requestId);
                return null;
            });
            admitted.success();
        } catch (RuntimeException | Error e) {
            admitted.dropped();
            throw e;
        } catch (Exception e) {
            admitted.dropped();
            throw new IllegalStateException(e); // not thrown: serve throws no checked exception
        }
    }

    private void serve(ServerRequest req, ServerResponse res, String method, String rawPath, String requestId) {
        WebResponse response;
        try {
            response = answer(req, method, rawPath, requestId, settings.maxBody());
        } catch (HttpError e) {
            response = error(e.status(), e.getMessage() == null ? "" : e.getMessage(), requestId);
            if (e.status() == 503) {
                response = response.withHeader("retry-after", "1"); // as every 503 of the listener's own: ask again
            }
        } catch (UriDecoding.Malformed e) {
            response = error(400, e.getMessage(), requestId);
        } catch (MalformedBody e) {
            // the connection's framing is lost: answer once and close rather than read the rest as a request
            LOG.log(System.Logger.Level.INFO, "request " + requestId + ": " + method + " " + rawPath + " on listener "
                    + name + ": " + e.getMessage());
            response = error(e.status, e.getMessage(), requestId).withHeader("connection", "close");
        } catch (ComponentUnavailableException e) {
            // a component (or a policy in front of it) refused or could not take the call: a passing condition
            response = unavailable(e, method, rawPath, requestId, retryAfterSeconds(e));
        } catch (Exception e) {
            if (databaseUnavailable(e)) {
                // the database is down, restarting, hung or out of connections: passing too, not a bug here
                response = unavailable(e, method, rawPath, requestId, "1");
            } else {
                LOG.log(System.Logger.Level.ERROR, "request " + requestId + " failed: " + method + " " + rawPath
                        + " on listener " + name, e);
                response = error(500, "internal error; quote request id " + requestId, requestId);
            }
        }
        write(res, method, response, requestId);
    }

    /** A {@code 503} for a passing condition, logged without a stack trace: the body names the request id only. */
    private WebResponse unavailable(Exception e, String method, String rawPath, String requestId, String retryAfter) {
        LOG.log(System.Logger.Level.WARNING, "request " + requestId + " answered 503: " + method + " " + rawPath
                + " on listener " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return error(503, "service temporarily unavailable; retry shortly (request id " + requestId + ")", requestId)
                .withHeader("retry-after", retryAfter);
    }

    /**
     * Whether a store failed for want of its database rather than for what it was asked, in this
     * process or in a component it called.
     */
    static boolean databaseUnavailable(Exception e) {
        return e instanceof StoreUnavailableException || e instanceof RemoteFailureException r
                && r.remoteType().equals(StoreUnavailableException.class.getName());
    }

    private WebResponse answer(ServerRequest req, String method, String rawPath, String requestId, long maxBody)
            throws Exception {
        List<String> path = UriDecoding.segments(rawPath);
        String routedMethod = method.equals("HEAD") ? "GET" : method;
        Optional<Router.Match> match = router.match(routedMethod, path);
        if (match.isPresent()) {
            WebRequest request = request(req, method, path, match.get().pathParams(), requestId, maxBody,
                    settings.trustedProxies());
            WebResponse response = match.get().route().handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("handler of " + match.get().route().method() + " "
                        + match.get().route().pattern().text() + " returned no response");
            }
            return response;
        }
        if (routedMethod.equals("GET")) {
            for (StaticResources r : resources) {
                Optional<WebResponse> found = r.serve(path, rawPath.endsWith("/"));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        Set<String> allowed = router.methodsFor(path);
        if (!allowed.isEmpty()) {
            return error(405, method + " is not allowed on " + decodedPath(path) + "; allowed: "
                    + String.join(", ", allowed), requestId).withHeader("allow", String.join(", ", allowed));
        }
        return error(404, "no route for " + method + " " + decodedPath(path), requestId);
    }

    private static WebRequest request(ServerRequest req, String method, List<String> path,
            Map<String, String> pathParams, String requestId, long maxBody, TrustedProxies proxies)
            throws UriDecoding.Malformed, MalformedBody {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            headers.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(h.allValues());
        }
        // the gateway's credential, for this listener alone: never shown to a handler (which may log headers)
        List<String> presented = Objects.requireNonNullElse(headers.remove(GATEWAY_TOKEN), List.of());
        byte[] body;
        try {
            body = req.content().hasEntity() ? req.content().inputStream().readAllBytes() : new byte[0];
        } catch (IOException | RuntimeException e) {
            // Helidon throws its own runtime exceptions for bad chunk sizes, a short body, a body over the limit
            if (e instanceof RequestException refused && refused.status().code() == 413) {
                throw new MalformedBody(413, "request body over the limit of " + maxBody + " bytes");
            }
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SocketTimeoutException) {
                    throw new MalformedBody(408, "request body not received within the listener's read-timeout");
                }
            }
            throw new MalformedBody(400, "malformed request body: " + describe(e));
        }
        return new WebRequest(requestId, method, decodedPath(path), pathParams,
                UriDecoding.query(req.prologue().query().rawValue()), headers,
                UriDecoding.cookies(headers.getOrDefault("cookie", List.of())), body,
                proxies.clientAddress(req.remotePeer().host(), headers.getOrDefault("x-forwarded-for", List.of()), presented));
    }

    /** The refusing policy's wait, rounded up to whole seconds (at least 1); 1 s when no policy said. */
    static String retryAfterSeconds(ComponentUnavailableException e) {
        long seconds = 1;
        if (e instanceof CallRejectedException rejected && rejected.retryAfter() != null) {
            long millis = rejected.retryAfter().toMillis();
            seconds = Math.max(1, (millis + 999) / 1000);
        }
        return String.valueOf(seconds);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * Answers what Helidon refuses before routing (bad request line, headers over the limit, a
     * declared body over the limit) as JSON like every other error.
     */
    private static final class JsonErrors implements DirectHandler {

        private final ListenerSettings settings;

        JsonErrors(ListenerSettings settings) {
            this.settings = settings;
        }

        @Override
        public TransportResponse handle(TransportRequest request, EventType type, Status status,
                io.helidon.http.ServerResponseHeaders headers, String message) {
            String text = message == null || message.isBlank() ? status.reasonPhrase() : message;
            TransportResponse.Builder response = TransportResponse.builder();
            if (type == EventType.BAD_REQUEST && "Header size exceeded".equals(message)) {
                // Helidon reports headers over its limit as a 400; say what it is
                return json(Status.create(431, "Request Header Fields Too Large"), false,
                        "request headers over the limit of " + settings.maxHeaderSize() + " bytes", response);
            }
            return json(status, type.keepAlive(), text, response);
        }

        private static TransportResponse json(Status status, boolean keepAlive, String text,
                TransportResponse.Builder response) {
            return response
                    .status(status)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .keepAlive(keepAlive)
                    .entity(Json.error(status.code(), text, newRequestId()).getBytes(StandardCharsets.UTF_8))
                    .build();
        }
    }

    /** The request body could not be read as its framing says (e.g. a bad chunk size). */
    static final class MalformedBody extends Exception {
        private static final long serialVersionUID = 1L;

        private final int status;

        MalformedBody(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static String decodedPath(List<String> path) {
        return "/" + String.join("/", path);
    }

    private static WebResponse error(int status, String message, String requestId) {
        return WebResponse.json(Json.error(status, message, requestId)).withStatus(status);
    }

    private void write(ServerResponse res, String method, WebResponse response, String requestId) {
        res.status(Status.create(response.status()));
        response.headers().forEach((header, values) -> {
            if (secure && header.equals("set-cookie")) {
                // over TLS, no cookie may later travel in clear text
                values = values.stream().map(HttpListener::secureCookie).toList();
            }
            res.header(header, values.toArray(String[]::new));
        });
        SECURITY_HEADERS.forEach((header, value) -> {
            if (!response.headers().containsKey(header)) {
                res.header(header, value);
            }
        });
        if (secure && !response.headers().containsKey("strict-transport-security")) {
            res.header("strict-transport-security", HSTS);
        }
        res.header(X_REQUEST_ID, requestId);
        if (method.equals("HEAD")) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(response.body().length));
            res.send();
        } else {
            res.send(response.body());
        }
    }

    /** The {@code Set-Cookie} value with the {@code Secure} attribute, added unless it has it. */
    static String secureCookie(String setCookie) {
        for (String attribute : setCookie.split(";")) {
            if (attribute.strip().equalsIgnoreCase("secure")) {
                return setCookie;
            }
        }
        return setCookie + "; Secure";
    }

    static String newRequestId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "Listener[" + name + " on " + address + "]";
    }
}
