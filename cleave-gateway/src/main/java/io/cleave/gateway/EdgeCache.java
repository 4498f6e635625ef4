package io.cleave.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.cleave.gateway.CacheSettings.Route;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The gateway's edge cache: GET and HEAD under the routes that have {@code cache-ttl} are answered
 * from memory while fresh, and for {@code cache-stale} more while one background request refreshes
 * them; concurrent misses of one key make one upstream request, the others wait for its response.
 * What the app says wins: a response is kept only when its status is 200, 203, 301, 404 or 410 and
 * it has no {@code Set-Cookie}, no {@code no-store}, {@code no-cache} or {@code private}, no
 * {@code Vary} beyond {@code Accept-Encoding}, and a body of at most {@link #MAX_BODY}; its
 * {@code s-maxage}/{@code max-age} shortens the route's TTL. Requests with {@code Authorization},
 * or a {@code Cookie} unless the route has {@code cache-with-cookies}, go to the upstream.
 *
 * <p>It sits in front of {@link Proxy}, which fetches misses as it forwards any request; the
 * response is copied as it streams to the client ({@link ServerResponse#streamFilter}) and kept if
 * it may be. A hit costs no replica anything, so hits pass neither admission nor rate limits.
 */
final class EdgeCache implements AutoCloseable {

    static final String PURGE_PATH = "/.cleave/gateway/purge";
    /** Larger responses stream to the client and are never kept. */
    static final int MAX_BODY = 1024 * 1024;
    static final HeaderName X_CACHE = HeaderNames.create("X-Cache");
    /**
     * Background refreshes at once, per gateway: keys kept in the same second go stale in the same
     * second, and their refreshes must not reach the app as one burst (which its own concurrency
     * limit would shed). A stale key finding none free is answered stale and refreshed by a later request.
     */
    static final int MAX_REFRESHES = 8;
    /** What a 304 repeats of the response it stands for (RFC 9110 15.4.5). */
    private static final Set<String> KEPT_ON_304 = Set.of("etag", "cache-control", "expires", "vary",
            "content-location");

    private final String application;
    private final GatewaySettings settings;
    private final CacheSettings cacheSettings;
    private final LongSupplier nanoTime;
    private final Cache<Key, CacheEntry> store;
    private final ConcurrentHashMap<Key, CompletableFuture<Optional<CacheEntry.Response>>> flights =
            new ConcurrentHashMap<>();
    private final Set<Key> refreshing = ConcurrentHashMap.newKeySet();
    private final Semaphore refreshSlots = new Semaphore(MAX_REFRESHES);
    /** Counts purges: a response fetched across one is returned to its callers but not kept. */
    private final AtomicLong purges = new AtomicLong();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Optional<PurgeChannel> channel;

    /**
     * What a response is kept under: the listener, the host asked for, the request target (path and
     * query, as sent), and the content codings the client accepts (responses may {@code Vary} on them).
     */
    record Key(String listener, String host, String target, String encodings) {

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    /**
     * What a purge drops.
     *
     * @param prefix true to drop the path and every path under it, false for the path alone
     * @param path a path, or (for {@code prefix == false}) a path with a query for that target alone
     */
    record Purge(boolean prefix, String path) {

        boolean matches(Key key) {
            if (prefix) {
                return CacheSettings.covers(path, key.path());
            }
            return path.indexOf('?') >= 0 ? key.target().equals(path) : key.path().equals(path);
        }
    }

    private EdgeCache(String application, GatewaySettings settings, LongSupplier nanoTime) {
        this.application = application;
        this.settings = settings;
        this.cacheSettings = settings.cache();
        this.nanoTime = nanoTime;
        this.store = Caffeine.newBuilder()
                .ticker(nanoTime::getAsLong)
                .maximumWeight(cacheSettings.maxBytes())
                .weigher((Key k, CacheEntry e) -> e.weight() + k.target().length())
                .expireAfter(new Expiry<Key, CacheEntry>() {
                    @Override
                    public long expireAfterCreate(Key key, CacheEntry entry, long currentTime) {
                        return Math.max(0, entry.until() - currentTime);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, CacheEntry entry, long currentTime, long currentDuration) {
                        return Math.max(0, entry.until() - currentTime);
                    }

                    @Override
                    public long expireAfterRead(Key key, CacheEntry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        this.channel = cacheSettings.enabled() && settings.redis().isPresent()
                ? Optional.of(PurgeChannel.connect(settings.redis().get(), "cleave:gateway:" + application + ":purge",
                        this::purgeHere))
                : Optional.empty();
    }

    /**
     * The cache for a gateway's settings; it does nothing unless some route has {@code cache-ttl}.
     *
     * @param nanoTime the clock expiry is measured with ({@link System#nanoTime} but in tests)
     */
    static EdgeCache create(String application, GatewaySettings settings, LongSupplier nanoTime) {
        return new EdgeCache(application, settings, nanoTime);
    }

    /**
     * Routes a listener's requests: through the cache to {@code proxy} when some route caches (and
     * {@code POST /.cleave/gateway/purge} to the purge), straight to {@code proxy} otherwise.
     */
    void route(HttpRouting.Builder routing, String listener, Upstreams upstreams, Handler proxy, boolean secure) {
        if (!cacheSettings.enabled()) {
            routing.any(proxy);
            return;
        }
        routing.post(PURGE_PATH, new PurgeEndpoint(this, cacheSettings.purgeFrom()))
                .any(new Front(listener, upstreams, proxy, secure ? "https" : "http"));
    }

    /**
     * Drops what a purge names here and, with {@code redis-url}, in every other gateway replica.
     *
     * @return the responses dropped here, and whether the other replicas were told
     */
    PurgeResult purge(Purge what) {
        int dropped = purgeHere(what);
        boolean told = channel.map(c -> c.publish(what)).orElse(false);
        return new PurgeResult(dropped, channel.isPresent(), told);
    }

    /**
     * @param dropped responses dropped in this gateway
     * @param shared whether other replicas are reached through Redis
     * @param published whether the purge reached Redis for them
     */
    record PurgeResult(int dropped, boolean shared, boolean published) {
    }

    /** Drops what a purge names in this gateway alone. */
    int purgeHere(Purge what) {
        purges.incrementAndGet();
        int dropped = 0;
        for (Key key : List.copyOf(store.asMap().keySet())) {
            if (what.matches(key) && store.asMap().remove(key) instanceof CacheEntry.Response) {
                dropped++;
            }
        }
        return dropped;
    }

    /** Responses held, for tests and logs. */
    long responses() {
        return store.asMap().values().stream().filter(e -> e instanceof CacheEntry.Response).count();
    }

    /** Requests waiting for another's fetch of the same key, for tests. */
    int waiting() {
        return waiting.get();
    }

    /** Background refreshes under way, for tests. */
    int refreshing() {
        return refreshing.size();
    }

    @Override
    public void close() {
        channel.ifPresent(PurgeChannel::close);
    }

    /** One listener's requests, through the cache. */
    private final class Front implements Handler {

        private final String listener;
        private final Upstreams upstreams;
        private final Handler proxy;
        private final String scheme;

        Front(String listener, Upstreams upstreams, Handler proxy, String scheme) {
            this.listener = listener;
            this.upstreams = upstreams;
            this.proxy = proxy;
            this.scheme = scheme;
        }

        @Override
        public void handle(ServerRequest req, ServerResponse res) throws Exception {
            String method = req.prologue().method().text();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                proxy.handle(req, res);
                return;
            }
            String rawPath = req.prologue().uriPath().rawPath();
            Optional<Route> found = cacheSettings.routeFor(rawPath);
            if (found.isEmpty()) {
                proxy.handle(req, res);
                return;
            }
            Route route = found.get();
            Headers headers = req.headers();
            if (headers.contains(HeaderNames.AUTHORIZATION) || (!route.withCookies() && headers.contains(HeaderNames.COOKIE))
                    || CacheControl.parse(headers.all(HeaderNames.CACHE_CONTROL, List::of)).noStore()) {
                res.header(X_CACHE, "BYPASS");
                proxy.handle(req, res);
                return;
            }
            long start = System.nanoTime();
            Key key = key(req, rawPath);
            CacheEntry entry = store.getIfPresent(key);
            if (entry instanceof CacheEntry.Response kept && answered(req, res, key, route, kept, head, start)) {
                return;
            }
            boolean conditional = headers.contains(HeaderNames.IF_NONE_MATCH)
                    || headers.contains(HeaderNames.IF_MODIFIED_SINCE) || headers.contains(HeaderNames.IF_MATCH)
                    || headers.contains(HeaderNames.IF_UNMODIFIED_SINCE) || headers.contains(HeaderNames.RANGE);
            CompletableFuture<Optional<CacheEntry.Response>> running = flights.get(key);
            if (running != null && (head || conditional)) {
                // a fetch of the whole response is under way: its result may answer this one too
                await(running);
                if (store.getIfPresent(key) instanceof CacheEntry.Response kept
                        && answered(req, res, key, route, kept, head, start)) {
                    return;
                }
            }
            if (head || conditional || entry instanceof CacheEntry.Pass) {
                // their answers are partial (HEAD, 304, 206) or not to be waited for: fetched alone
                fetch(req, res, key, route, !head, false);
                return;
            }
            CompletableFuture<Optional<CacheEntry.Response>> mine = new CompletableFuture<>();
            CompletableFuture<Optional<CacheEntry.Response>> leader = flights.putIfAbsent(key, mine);
            if (leader == null) {
                Optional<CacheEntry.Response> kept = Optional.empty();
                try {
                    kept = fetch(req, res, key, route, true, true);
                } finally {
                    flights.remove(key, mine);
                    mine.complete(kept);
                }
                return;
            }
            Optional<CacheEntry.Response> shared = await(leader);
            if (shared.isPresent()) {
                if (!(store.getIfPresent(key) instanceof CacheEntry.Response kept
                        && answered(req, res, key, route, kept, false, start))) {
                    answer(req, res, shared.get(), "HIT", nanoTime.getAsLong(), false, start); // kept no longer: purged
                }
            } else {
                fetch(req, res, key, route, true, false);
            }
        }

        /** Answers with a kept response while it is fresh, or stale within its window (refreshing it then). */
        private boolean answered(ServerRequest req, ServerResponse res, Key key, Route route, CacheEntry.Response kept,
                boolean head, long start) {
            long now = nanoTime.getAsLong();
            if (now - kept.staleUntil() >= 0) {
                return false;
            }
            boolean fresh = now - kept.freshUntil() < 0;
            if (!fresh) {
                refresh(key, kept, route);
            }
            answer(req, res, kept, fresh ? "HIT" : "STALE", now, head, start);
            return true;
        }

        private Key key(ServerRequest req, String rawPath) {
            String host = req.headers().first(HeaderNames.HOST).or(() -> Optional.ofNullable(req.authority()))
                    .orElse("").toLowerCase(Locale.ROOT);
            String query = req.prologue().query().rawValue();
            String encodings = req.headers().first(HeaderNames.ACCEPT_ENCODING).map(CachePolicy::encodings).orElse("");
            return new Key(listener, host, query.isEmpty() ? rawPath : rawPath + "?" + query, encodings);
        }

        /** Waits for another request's fetch of the key, at most {@code upstream-timeout}. */
        private Optional<CacheEntry.Response> await(CompletableFuture<Optional<CacheEntry.Response>> leader) {
            waiting.incrementAndGet();
            try {
                return leader.get(settings.upstreamTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException | TimeoutException e) {
                return Optional.empty();
            } finally {
                waiting.decrementAndGet();
            }
        }

        /**
         * Forwards the request through the proxy, copying the response as it goes to the client, and
         * keeps it if it may be.
         *
         * @param mayKeep whether the response is the whole representation (not for HEAD)
         * @param leads whether others wait for it: then an answer that cannot be kept is noted
         *     ({@link CacheEntry.Pass}) so the next requests do not wait
         * @return the response kept
         */
        private Optional<CacheEntry.Response> fetch(ServerRequest req, ServerResponse res, Key key, Route route,
                boolean mayKeep, boolean leads) throws Exception {
            long epoch = purges.get();
            long asked = nanoTime.getAsLong();
            Copy copy = new Copy(MAX_BODY);
            res.streamFilter(copy);
            res.header(X_CACHE, "MISS");
            proxy.handle(req, res);
            if (!mayKeep) {
                return Optional.empty();
            }
            String acceptEncoding = req.headers().first(HeaderNames.ACCEPT_ENCODING).orElse("");
            CacheEntry decided = CachePolicy.decide(res.status(), res.headers(), copy.bytes(), route, acceptEncoding, asked);
            if (purges.get() != epoch) {
                return decided instanceof CacheEntry.Response r ? Optional.of(r) : Optional.empty();
            }
            if (decided instanceof CacheEntry.Response r) {
                store.put(key, r);
                return Optional.of(r);
            }
            if (leads) {
                store.asMap().putIfAbsent(key, decided);
            }
            return Optional.empty();
        }

        /** Serves a stale response's replacement in the background, once at a time per key. */
        private void refresh(Key key, CacheEntry.Response stale, Route route) {
            if (!refreshing.add(key)) {
                return;
            }
            if (!refreshSlots.tryAcquire()) {
                refreshing.remove(key); // every slot busy: a later request of this key asks again
                return;
            }
            long epoch = purges.get();
            Thread.ofVirtual().name("cleave-gateway-refresh").start(() -> {
                try {
                    Optional<CacheEntry> fetched = refetch(key, stale, route);
                    if (fetched.isPresent() && purges.get() == epoch) {
                        if (fetched.get() instanceof CacheEntry.Response fresh) {
                            store.asMap().replace(key, stale, fresh);
                        } else {
                            store.asMap().remove(key, stale); // the app no longer lets it be kept
                        }
                    }
                } finally {
                    refreshing.remove(key);
                    refreshSlots.release();
                }
            });
        }

        /**
         * Asks a replica for the key again, as the gateway itself (no client's headers but the host and
         * accepted codings the response was kept for).
         *
         * @return what to keep now; empty when no replica answered, or one answered with a server error
         *     (an app shedding load says {@code 503}): the stale response stays for its window
         */
        private Optional<CacheEntry> refetch(Key key, CacheEntry.Response stale, Route route) {
            Set<Replica> tried = new HashSet<>();
            for (int attempt = 0; attempt <= settings.retries(); attempt++) {
                Optional<Replica> picked = upstreams.pick(tried);
                if (picked.isEmpty()) {
                    break;
                }
                Replica replica = picked.get();
                tried.add(replica);
                if (!replica.begin()) {
                    attempt--; // retired since it was picked: not an attempt, and no longer listed
                    continue;
                }
                String requestId = Proxy.newRequestId();
                long asked = nanoTime.getAsLong();
                try (HttpClientResponse response = replica.client().get()
                        .skipUriEncoding(true)
                        .uri(replica.uri().toString() + key.target())
                        .headers(h -> {
                            if (!key.host().isEmpty()) {
                                h.set(HeaderNames.HOST, key.host());
                                h.set(Proxy.X_FORWARDED_HOST, key.host());
                            }
                            if (!stale.acceptEncoding().isEmpty()) {
                                h.set(HeaderNames.ACCEPT_ENCODING, stale.acceptEncoding());
                            }
                            h.set(Proxy.X_FORWARDED_PROTO, scheme);
                            h.set(Proxy.X_REQUEST_ID, requestId);
                        })
                        .request()) {
                    byte[] body;
                    try (InputStream in = response.inputStream()) {
                        body = in.readNBytes(MAX_BODY + 1);
                    }
                    if (response.status().code() >= 500) {
                        return Optional.empty(); // no answer to keep, and no reason to drop the one kept
                    }
                    Headers kept = response.headers();
                    return Optional.of(CachePolicy.decide(response.status(), kept, body.length > MAX_BODY ? null : body, route,
                            stale.acceptEncoding(), asked));
                } catch (IOException | RuntimeException e) {
                    if (replica.fail(System.nanoTime(), "refresh of " + key.target() + " failed (" + e + ")")) {
                        Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: replica " + replica + " of listener "
                                + listener + " ejected: refresh of " + key.target() + " failed (" + e + ")");
                    }
                } finally {
                    replica.end();
                }
            }
            return Optional.empty();
        }

        private void answer(ServerRequest req, ServerResponse res, CacheEntry.Response kept, String how, long now,
                boolean head, long start) {
            String requestId = req.headers().first(Proxy.X_REQUEST_ID)
                    .filter(id -> Proxy.CLIENT_REQUEST_ID.matcher(id).matches()).orElseGet(Proxy::newRequestId);
            boolean notModified = req.headers().first(HeaderNames.IF_NONE_MATCH)
                    .map(tags -> CachePolicy.matches(tags, kept.etag())).orElse(false);
            if (notModified) {
                res.status(Status.NOT_MODIFIED_304);
                for (Header h : kept.headers()) {
                    if (KEPT_ON_304.contains(h.headerName().lowerCase())) {
                        res.header(h);
                    }
                }
            } else {
                res.status(kept.status());
                for (Header h : kept.headers()) {
                    res.header(h);
                }
            }
            res.header(HeaderNames.AGE, String.valueOf(kept.age(now)));
            res.header(X_CACHE, how);
            res.header(Proxy.X_REQUEST_ID, requestId);
            if (notModified) {
                res.send();
            } else if (head) {
                res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(kept.body().length));
                res.send();
            } else {
                res.send(kept.body());
            }
            if (settings.accessLog()) {
                String trace = req.headers().first(Proxy.TRACEPARENT).filter(t -> t.length() >= 35)
                        .map(t -> t.substring(3, 35)).orElse("-");
                Proxy.ACCESS.log(System.Logger.Level.INFO, listener + " " + req.prologue().method().text() + " "
                        + req.prologue().uriPath().rawPath() + " " + (notModified ? 304 : kept.status().code()) + " "
                        + String.format(Locale.ROOT, "%.1fms", (System.nanoTime() - start) / 1e6) + " upstream=cache-"
                        + how.toLowerCase(Locale.ROOT) + " id=" + requestId + " trace=" + trace);
            }
        }
    }

    /** Copies a response's body as it streams to the client, up to a limit beyond which it stops copying. */
    private static final class Copy implements UnaryOperator<OutputStream> {

        private final int limit;
        private ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Copy(int limit) {
            this.limit = limit;
        }

        /** The whole body, or null when it was over the limit. */
        byte[] bytes() {
            return bytes == null ? null : bytes.toByteArray();
        }

        private void keep(byte[] b, int off, int len) {
            if (bytes == null) {
                return;
            }
            if (bytes.size() + len > limit) {
                bytes = null;
                return;
            }
            bytes.write(b, off, len);
        }

        @Override
        public OutputStream apply(OutputStream out) {
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    keep(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    keep(b, off, len);
                }
            };
        }
    }
}
