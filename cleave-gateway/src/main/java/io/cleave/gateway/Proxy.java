package io.cleave.gateway;

import com.netflix.concurrency.limits.Limiter;
import io.cleave.gateway.GatewaySettings.ClientKey;
import io.cleave.gateway.GatewaySettings.RateLimit;
import io.cleave.spi.ServiceProvider;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One listener's requests: admitted (concurrency limit), rate limited, then forwarded to a
 * replica with their bodies streamed both ways, retried on another replica when that is safe.
 * Runs on the connection's virtual thread; the upstream call blocks it, which is cheap.
 */
final class Proxy implements Handler {

    static final System.Logger LOG = System.getLogger("io.cleave.gateway");
    static final System.Logger ACCESS = System.getLogger("io.cleave.gateway.access");
    static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    static final HeaderName X_FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    static final HeaderName X_FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");
    private static final HeaderName GATEWAY_TOKEN = HeaderNames.create(ServiceProvider.Request.GATEWAY_TOKEN_HEADER);
    private static final String TOKEN_NAME = GATEWAY_TOKEN.lowerCase();
    static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    /** RFC 9110 7.6.1: meaningful for one connection only, never forwarded. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "expect", "http2-settings");
    /** Safe to send twice (RFC 9110 9.2.2), so retried on another replica after a failure. */
    static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Up to this many bytes, an upstream's body with a known length is read whole before it is relayed. */
    static final int WHOLE = 64 * 1024;
    private static final byte[] NO_BODY = new byte[0];

    private final String listener;
    private final GatewaySettings settings;
    private final Upstreams upstreams;
    private final Router router;
    private final boolean secure;
    private final RateLimits rateLimits;
    private final String scheme;
    private final Optional<Limiter<Void>> admission;
    private final String token;

    Proxy(String listener, GatewaySettings settings, Upstreams upstreams, Router router, RateLimits rateLimits,
            boolean secure, Optional<Limiter<Void>> admission, String token) {
        this.token = token;
        this.listener = listener;
        this.settings = settings;
        this.upstreams = upstreams;
        this.router = router;
        this.secure = secure;
        this.rateLimits = rateLimits;
        this.scheme = secure ? "https" : "http";
        this.admission = admission;
    }

    /** What happened to a request, for the access log. */
    private static final class Outcome {
        int status;
        String upstream = "-";
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String method = req.prologue().method().text();
        String rawPath = req.prologue().uriPath().rawPath();
        String requestId = req.headers().first(X_REQUEST_ID).filter(id -> CLIENT_REQUEST_ID.matcher(id).matches())
                .orElseGet(Proxy::newRequestId);
        Outcome outcome = new Outcome();
        try {
            admitted(req, res, method, rawPath, requestId, outcome);
        } finally {
            if (settings.accessLog()) {
                String trace = req.headers().first(TRACEPARENT).filter(t -> t.length() >= 35).map(t -> t.substring(3, 35))
                        .orElse("-");
                ACCESS.log(System.Logger.Level.INFO, listener + " " + method + " " + rawPath + " " + outcome.status + " "
                        + String.format(Locale.ROOT, "%.1fms", (System.nanoTime() - start) / 1e6) + " upstream="
                        + outcome.upstream + " id=" + requestId + " trace=" + trace);
            }
        }
    }

    private void admitted(ServerRequest req, ServerResponse res, String method, String rawPath, String requestId,
            Outcome outcome) {
        Optional<Limiter.Listener> token = Optional.empty();
        if (admission.isPresent()) {
            token = admission.get().acquire(null);
            if (token.isEmpty()) {
                // at once, on a connection that stays open: queueing here only moves the wait
                outcome.status = 503;
                fail(res, 503, requestId, "the gateway's listener " + listener + " is at its concurrency limit;"
                        + " retry shortly", "1");
                return;
            }
        }
        boolean dropped = false;
        try {
            Optional<RateLimit> limit = settings.limitFor(rawPath);
            if (limit.isPresent()) {
                String scope = settings.routes().stream().filter(r -> r.matches(rawPath)).findFirst()
                        .map(GatewaySettings.Route::prefix).orElse("*");
                OptionalLong wait = rateLimits.take(scope, limit.get(), clientKey(req, limit.get().key()));
                if (wait.isPresent()) {
                    outcome.status = 429;
                    fail(res, 429, requestId, "rate limit of " + limit.get().text() + " exceeded; retry after "
                            + wait.getAsLong() + " s", String.valueOf(wait.getAsLong()));
                    return;
                }
            }
            dropped = !forward(req, res, method, rawPath, requestId, outcome);
        } finally {
            if (token.isPresent()) {
                if (dropped) {
                    token.get().onDropped();
                } else {
                    token.get().onSuccess();
                }
            }
        }
    }

    private static String clientKey(ServerRequest req, ClientKey key) {
        Optional<String> value = switch (key) {
            case ClientKey.Address a -> Optional.empty();
            case ClientKey.Header h -> req.headers().first(HeaderNames.create(h.name())).filter(v -> !v.isBlank())
                    .map(v -> "h:" + v);
            case ClientKey.Cookie c -> req.headers().first(HeaderNames.COOKIE).flatMap(v -> cookie(v, c.name()))
                    .map(v -> "c:" + v);
        };
        return value.orElseGet(() -> "a:" + req.remotePeer().host());
    }

    static Optional<String> cookie(String header, String name) {
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                return Optional.of(pair.substring(eq + 1).strip()).filter(v -> !v.isEmpty());
            }
        }
        return Optional.empty();
    }

    /**
     * Sends the request to a replica, then to others while failures allow.
     *
     * @return false when it ended in an upstream timeout (a sign of overload for the admission limit)
     */
    private boolean forward(ServerRequest req, ServerResponse res, String method, String rawPath, String requestId,
            Outcome outcome) {
        RequestBody body;
        try {
            body = RequestBody.read(req, settings.maxBody());
        } catch (RequestBody.Malformed e) {
            // nothing went upstream; the connection's framing is lost, so answer once and close
            outcome.status = e.status;
            LOG.log(System.Logger.Level.INFO, "request " + requestId + " " + method + " " + rawPath + " on " + listener
                    + ": " + e.getMessage());
            res.header(HeaderNames.CONNECTION, "close");
            fail(res, e.status, requestId, e.getMessage(), null);
            return true;
        }
        // chosen once: a table swapped while this request runs, or its retries, never move it elsewhere
        // (unless the upstream chosen was removed before the request began on one of its replicas)
        Router.Routed routed = router.route(req, rawPath, upstreams, secure);
        routed.mark(res.headers());
        Set<Replica> tried = new HashSet<>();
        int sent = 0;
        boolean rerouted = false;
        String lastFailure = "";
        boolean timedOut = false;
        while (sent <= settings.retries()) {
            Optional<Replica> picked = routed.upstreams().pick(tried);
            if (picked.isEmpty()) {
                if (sent == 0 && !rerouted && routed.upstreams().retired()) {
                    // removed by a reload since it was routed; the table now in force names it no more
                    rerouted = true;
                    routed = router.route(req, rawPath, upstreams, secure);
                    res.headers().remove(HeaderNames.SET_COOKIE);
                    routed.mark(res.headers());
                    tried.clear();
                    continue;
                }
                break;
            }
            Replica replica = picked.get();
            tried.add(replica);
            if (!replica.begin()) {
                continue; // retired since it was picked: no longer listed, so the next pick is another
            }
            sent++;
            outcome.upstream = routed.name() + "/" + replica.uri().getRawAuthority();
            try {
                HttpClientResponse response = null;
                byte[] whole;
                try {
                    response = send(req, method, rawPath, requestId, replica, body, routed.name().equals(RouteSettings.APP));
                    // before anything reaches the client, so a failure within such a body is a failed call too
                    whole = wholeBody(method, response);
                } catch (IOException | RuntimeException e) {
                    if (response != null) {
                        response.close();
                    } else if (body.clientFailure().isPresent()) {
                        RequestBody.Malformed m = body.clientFailure().get();
                        outcome.status = m.status;
                        res.header(HeaderNames.CONNECTION, "close");
                        fail(res, m.status, requestId, m.getMessage(), null);
                        return true;
                    }
                    Failure failure = failed(replica, routed.upstreams(), e, response == null ? "" : " while reading its body");
                    lastFailure = replica + ": " + failure.description;
                    timedOut = failure.timeout;
                    // a refused connection delivered nothing; otherwise only what is safe to send twice is resent
                    if ((failure.connect || IDEMPOTENT.contains(method)) && body.resendable()) {
                        continue;
                    }
                    break;
                }
                try (HttpClientResponse relayed = response) {
                    outcome.status = relayed.status().code();
                    relay(res, method, requestId, relayed, replica, whole);
                }
                return true;
            } finally {
                replica.end();
            }
        }
        if (sent == 0) {
            outcome.status = 503;
            fail(res, 503, requestId, routed.upstreams().label() + " has no replica ready; retry shortly", "1");
        } else {
            outcome.status = timedOut ? 504 : 502;
            LOG.log(System.Logger.Level.WARNING, "request " + requestId + " " + method + " " + rawPath + " on " + listener
                    + " failed on " + sent + " replica(s) of " + routed.upstreams().label() + "; last: "
                    + lastFailure);
            fail(res, outcome.status, requestId, (timedOut ? "the upstream did not answer in time" : "the upstream"
                    + " failed") + " (tried " + sent + " replica(s)); request id " + requestId, null);
        }
        return !timedOut;
    }

    /** Charges a failure to the replica (logging its ejection) and says how the call failed. */
    private static Failure failed(Replica replica, Upstreams upstreams, Throwable e, String where) {
        Failure failure = Failure.of(e, where);
        if (replica.fail(System.nanoTime(), failure.description)) {
            LOG.log(System.Logger.Level.WARNING, "gateway: replica " + replica + " of " + upstreams.label()
                    + " ejected: " + failure.description);
        }
        return failure;
    }

    /**
     * The upstream's body read whole before anything goes to the client, when it has a length up to
     * {@link #WHOLE}: an upstream that dies or stalls within it is then a failed call (retried or
     * answered 502/504) rather than a client's connection cut after a 200.
     *
     * @return the body; empty when the answer has none; null when it is to be streamed
     */
    private static byte[] wholeBody(String method, HttpClientResponse response) throws IOException {
        if (!hasBody(method, response.status().code())) {
            return NO_BODY;
        }
        OptionalLong length = response.headers().contentLength();
        if (length.isEmpty() || length.getAsLong() > WHOLE) {
            return null;
        }
        byte[] whole;
        try (InputStream in = response.inputStream()) { // closed, the connection goes back to the pool
            whole = in.readNBytes((int) length.getAsLong());
        }
        if (whole.length < length.getAsLong()) {
            throw new EOFException("the connection ended after " + whole.length + " of the body's "
                    + length.getAsLong() + " bytes");
        }
        return whole;
    }

    private static boolean hasBody(String method, int code) {
        return !(method.equals("HEAD") || code == 204 || code == 304 || code < 200);
    }

    /** Sends the request upstream, presenting the token to the app's own replicas alone (never to a legacy upstream). */
    private HttpClientResponse send(ServerRequest req, String method, String rawPath, String requestId, Replica replica,
            RequestBody body, boolean app) {
        String query = req.prologue().query().rawValue();
        Http1ClientRequest out = replica.client().method(Method.create(method))
                .skipUriEncoding(true)
                .uri(replica.uri().toString() + rawPath + (query.isEmpty() ? "" : "?" + query));
        out.headers(h -> {
            Set<String> connectionTokens = tokens(req.headers().first(HeaderNames.CONNECTION));
            String forwardedFor = null;
            for (Header header : req.headers()) {
                String name = header.name().toLowerCase(Locale.ROOT);
                if (HOP_BY_HOP.contains(name) || connectionTokens.contains(name) || name.equals("x-request-id")
                        || name.startsWith("x-forwarded-") || name.startsWith(":") || name.equals(TOKEN_NAME)) {
                    if (name.equals("x-forwarded-for")) {
                        forwardedFor = String.join(", ", header.allValues());
                    }
                    continue;
                }
                h.set(header);
            }
            String peer = req.remotePeer().host();
            h.set(X_FORWARDED_FOR, forwardedFor == null ? peer : forwardedFor + ", " + peer);
            h.set(X_FORWARDED_PROTO, scheme);
            req.headers().first(HeaderNames.HOST).or(() -> Optional.ofNullable(req.authority()))
                    .ifPresent(host -> h.set(X_FORWARDED_HOST, host));
            h.set(X_REQUEST_ID, requestId);
            if (app) {
                h.set(GATEWAY_TOKEN, token);
            }
        });
        return body.send(out);
    }

    /** The names a {@code Connection} header lists, lower case: headers for this hop alone (RFC 9110 7.6.1). */
    private static Set<String> tokens(Optional<String> connection) {
        if (connection.isEmpty()) {
            return Set.of();
        }
        Set<String> tokens = new HashSet<>();
        for (String t : connection.get().split(",")) {
            tokens.add(t.strip().toLowerCase(Locale.ROOT));
        }
        return tokens;
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

    private void relay(ServerResponse res, String method, String requestId, HttpClientResponse response,
            Replica replica, byte[] whole) {
        res.status(response.status());
        Set<String> connectionTokens = tokens(response.headers().first(HeaderNames.CONNECTION));
        for (Header header : response.headers()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || connectionTokens.contains(name) || name.equals("x-cleave-upstream")) {
                continue; // the gateway's X-Cleave-Upstream is set already and names where this one went
            }
            if (name.equals("set-cookie")) {
                if (scheme.equals("https")) {
                    // the client came over TLS, which ends here: its cookies must not travel over plain HTTP
                    for (String value : header.allValues()) {
                        res.headers().add(HeaderNames.SET_COOKIE, secureCookie(value));
                    }
                } else {
                    res.headers().add(header); // beside the canary cookie, if the gateway set one
                }
            } else {
                res.header(header);
            }
        }
        if (scheme.equals("https") && !response.headers().contains(HeaderNames.STRICT_TRANSPORT_SECURITY)) {
            res.header(HeaderNames.STRICT_TRANSPORT_SECURITY, "max-age=31536000"); // stay on HTTPS, as a TLS listener says
        }
        if (!response.headers().contains(X_REQUEST_ID)) {
            res.header(X_REQUEST_ID, requestId);
        }
        if (!hasBody(method, response.status().code())) {
            res.send();
            return;
        }
        if (whole != null) {
            res.send(whole);
            return;
        }
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = response.inputStream(); OutputStream out = res.outputStream()) {
            for (int n = upstreamRead(in, buffer, replica); n >= 0; n = upstreamRead(in, buffer, replica)) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the status is sent: all that is left is to cut the client's connection so it sees a short body
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the upstream's body; a failure there (not the client's) counts against the replica. */
    private static int upstreamRead(InputStream in, byte[] buffer, Replica replica) throws IOException {
        try {
            return in.read(buffer);
        } catch (IOException | RuntimeException e) {
            replica.fail(System.nanoTime(), Failure.of(e, " while reading its body").description);
            throw e;
        }
    }

    private static void fail(ServerResponse res, int status, String requestId, String message, String retryAfter) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(X_REQUEST_ID, requestId);
        if (retryAfter != null) {
            res.header(HeaderNames.RETRY_AFTER, retryAfter);
        }
        res.send((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static String newRequestId() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** How a call to an upstream failed, from the exception chain. */
    private record Failure(String description, boolean connect, boolean timeout) {

        static Failure of(Throwable e, String where) {
            boolean connect = false;
            boolean timeout = false;
            for (Throwable c = e; c != null; c = c.getCause()) {
                connect |= c instanceof ConnectException || c instanceof NoRouteToHostException;
                timeout |= c instanceof SocketTimeoutException;
            }
            String what = connect ? "connect failed" : timeout ? "no answer within upstream-timeout" : "connection failed";
            return new Failure(what + where + " (" + e + ")", connect, timeout);
        }
    }
}
