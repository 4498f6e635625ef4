package io.cleave.gateway;

import io.cleave.gateway.RouteTable.Canary;
import io.cleave.spi.ConfigSection.ConfigError;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Chooses each request's upstream: the named upstreams (those of {@code [gateway.upstreams]} and
 * of the table's {@code [upstreams]}, the table's winning a name both give), the
 * {@linkplain RouteTable route table} in force, and the file it comes from, read again whenever
 * its bytes change (checked every {@link #POLL} on a virtual thread). A table that does not read
 * is refused with a log line naming {@code file:line} and the old one stays; a good one replaces
 * the old at once for requests chosen after it, while those already chosen finish where they went.
 * With it the named upstreams change: one whose URLs stay keeps its replicas (connections,
 * balancing, ejection); a new URL gets a new replica; a URL or upstream no longer named is retired,
 * finishing its requests in flight, then closing its connections (the health probe no longer sees it).
 */
final class Router implements AutoCloseable {

    /** How often the route table file is read for changes. */
    static final Duration POLL = Duration.ofMillis(500);
    /** A route table is a few lines; anything larger is a mistake and is refused before it is parsed. */
    static final long LARGEST_FILE = 1024 * 1024;
    /** How long a client keeps its canary draw. */
    static final Duration COOKIE_AGE = Duration.ofDays(7);
    static final HeaderName X_CLEAVE_UPSTREAM = HeaderNames.create("X-Cleave-Upstream");
    private static final Pattern DRAW = Pattern.compile("\\d{1,2}");

    /**
     * Where a request goes.
     *
     * @param name {@code app} or a named upstream, for {@code X-Cleave-Upstream} and logs
     * @param upstreams its replicas
     * @param setCookie the canary cookie to give the client, when it came without one
     */
    record Routed(String name, Upstreams upstreams, Optional<String> setCookie) {

        /** Marks the response with the upstream's name and the client's canary cookie. */
        void mark(ServerResponseHeaders headers) {
            headers.set(X_CLEAVE_UPSTREAM, name);
            setCookie.ifPresent(c -> headers.add(HeaderNames.SET_COOKIE, c));
        }
    }

    /** The file's bytes and the table they make. */
    private record Loaded(byte[] bytes, RouteTable table) {
    }

    /** The table in force and the named upstreams it may name, swapped together. */
    private record State(RouteTable table, Map<String, Upstreams> named) {
    }

    private final Map<String, List<URI>> configured;
    private final Set<String> names;
    private final Supplier<Http1Client> pools;
    private final Optional<Path> file;
    private final AtomicReference<State> state;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Optional<Thread> watcher;
    private volatile boolean closed;

    private Router(RouteSettings settings, Optional<Loaded> loaded, Supplier<Http1Client> pools) {
        this.configured = settings.upstreams();
        this.names = settings.names();
        this.pools = pools;
        this.file = settings.routeTable();
        RouteTable initial = loaded.map(Loaded::table).orElse(RouteTable.APP_ONLY);
        this.state = new AtomicReference<>(new State(initial, reconcile(Map.of(), wanted(initial), new ArrayList<>())));
        this.watcher = file.map(f -> Thread.ofVirtual().name("cleave-gateway-routes")
                .start(() -> watch(f, loaded.map(Loaded::bytes).orElse(new byte[0]))));
    }

    /**
     * Reads the route table (if {@code route-table} names one) and starts watching it.
     *
     * @param pools makes the pool of connections of each named upstream's replica
     * @throws ConfigError naming {@code file:line} when the table does not read
     */
    static Router start(RouteSettings settings, Supplier<Http1Client> pools) {
        Optional<Loaded> loaded = settings.routeTable().map(f -> load(f, settings.names()));
        loaded.ifPresent(l -> Proxy.LOG.log(System.Logger.Level.INFO, "gateway: route table " + settings.routeTable()
                .orElseThrow() + ": " + l.table() + (l.table().upstreams().isEmpty() ? "" : "; its upstreams: "
                + l.table().upstreams().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + urls(e.getValue())).collect(Collectors.joining(", ")))));
        return new Router(settings, loaded, pools);
    }

    /** The named upstreams a table wants: cleave.toml's, and the table's own in place of any of the same name. */
    private Map<String, List<URI>> wanted(RouteTable table) {
        Map<String, List<URI>> wanted = new LinkedHashMap<>(configured);
        wanted.putAll(table.upstreams());
        return wanted;
    }

    /**
     * The named upstreams as wanted, reusing those of {@code current} with the same name (their replicas
     * whose URL stays are kept; see {@link Upstreams#replace}). Upstreams of {@code current} not wanted are
     * left to the caller to retire once the new state is in force.
     *
     * @param changes gets a line per upstream added, moved or removed, for the log
     */
    private Map<String, Upstreams> reconcile(Map<String, Upstreams> current, Map<String, List<URI>> wanted,
            List<String> changes) {
        Map<String, Upstreams> next = new LinkedHashMap<>();
        wanted.forEach((name, uris) -> {
            Upstreams u = current.get(name);
            if (u == null) {
                u = new Upstreams("upstream " + name, pools);
                u.replace(uris);
                changes.add(name + " added (" + urls(uris) + ")");
            } else if (!u.uris().equals(uris)) {
                String whose = !configured.containsKey(name) ? "" : uris.equals(configured.get(name))
                        ? "; cleave.toml's again" : "; the route table's, in place of cleave.toml's";
                changes.add(name + " now " + urls(uris) + " (was " + urls(u.uris()) + whose + ")");
                u.replace(uris); // before the swap: the table in force names it too, and may as well use the new URLs
            }
            next.put(name, u);
        });
        current.keySet().stream().filter(name -> !wanted.containsKey(name)).sorted()
                .forEach(name -> changes.add(name + " removed (finishing its requests in flight)"));
        return Map.copyOf(next);
    }

    private static String urls(List<URI> uris) {
        return uris.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    /**
     * Reads and checks the route table file once, for {@code check} before anything starts.
     *
     * @throws ConfigError naming {@code file:line} when it cannot be read or does not read as a route table
     */
    static RouteTable check(RouteSettings settings) {
        return settings.routeTable().map(f -> load(f, settings.names()).table()).orElse(RouteTable.APP_ONLY);
    }

    private static Loaded load(Path file, Set<String> names) {
        byte[] bytes;
        try {
            bytes = read(file);
        } catch (IOException e) {
            throw new ConfigError("[gateway] route-table = \"" + file + "\": cannot read it (from "
                    + Path.of("").toAbsolutePath() + "): " + describe(e));
        }
        return new Loaded(bytes, RouteTable.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8), names));
    }

    private static byte[] read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > LARGEST_FILE) {
            throw new IOException(size + " bytes, over the " + LARGEST_FILE + " a route table may have");
        }
        return Files.readAllBytes(file);
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : e.getMessage();
    }

    /** Reads the file every {@link #POLL} until closed; applies what changed and reads as a table. */
    private void watch(Path file, byte[] initial) {
        byte[] seen = initial;
        String unreadable = "";
        while (!closed) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
            byte[] bytes;
            try {
                bytes = read(file);
            } catch (IOException e) {
                String why = describe(e);
                if (!why.equals(unreadable) && !closed) {
                    Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: route table " + file + ": cannot read it: "
                            + why + "; the table in force stays");
                }
                unreadable = why;
                seen = new byte[0]; // once readable again, apply it even if unchanged, so the log says it is back
                continue;
            }
            unreadable = "";
            if (Arrays.equals(bytes, seen)) {
                continue;
            }
            seen = bytes;
            RouteTable next;
            try {
                next = RouteTable.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8), names);
            } catch (ConfigError e) {
                refused.incrementAndGet();
                Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: " + e.getMessage() + "; edit refused, the"
                        + " previous route table stays in force (" + state.get().table() + ")");
                continue;
            }
            apply(file, next);
        }
    }

    /** Puts a table that read in force, with its upstreams; retires the upstreams it no longer names. */
    private void apply(Path file, RouteTable next) {
        State before = state.get();
        List<String> changes = new ArrayList<>();
        Map<String, Upstreams> named = reconcile(before.named(), wanted(next), changes);
        state.set(new State(next, named));
        before.named().forEach((name, u) -> {
            if (named.get(name) != u) {
                u.retire();
            }
        });
        applied.incrementAndGet();
        Proxy.LOG.log(System.Logger.Level.INFO, "gateway: route table " + file + " reloaded: " + next
                + (changes.isEmpty() ? "" : "; upstreams: " + String.join(", ", changes)));
    }

    /**
     * Chooses the upstream of a request arriving on a listener.
     *
     * @param req the request, for the canary's header and cookie
     * @param rawPath its path as sent, matched against the table's prefixes
     * @param app the listener's own replicas
     * @param secure whether the client connected over TLS (the canary cookie is then {@code Secure})
     */
    Routed route(ServerRequest req, String rawPath, Upstreams app, boolean secure) {
        State now = state.get();
        Map<String, Upstreams> named = now.named();
        RouteTable current = now.table();
        String target = current.upstreamFor(rawPath);
        if (!target.equals(RouteSettings.APP)) {
            return new Routed(target, named.get(target), Optional.empty());
        }
        if (current.canary().isEmpty()) {
            return new Routed(RouteSettings.APP, app, Optional.empty());
        }
        Canary canary = current.canary().get();
        Optional<Boolean> forced = canary.header().flatMap(h -> req.headers().first(HeaderNames.create(h)))
                .map(v -> v.strip().toLowerCase(Locale.ROOT))
                .flatMap(v -> v.equals("always") ? Optional.of(true) : v.equals("never") ? Optional.of(false)
                        : Optional.empty());
        if (forced.isPresent()) {
            return forced.get() ? new Routed(canary.upstream(), named.get(canary.upstream()), Optional.empty())
                    : new Routed(RouteSettings.APP, app, Optional.empty());
        }
        Optional<Integer> kept = cookie(req, canary.cookie()).filter(v -> DRAW.matcher(v).matches()).map(Integer::valueOf);
        int draw = kept.orElseGet(() -> ThreadLocalRandom.current().nextInt(100));
        Optional<String> setCookie = kept.isPresent() ? Optional.empty()
                : Optional.of(canary.cookie() + "=" + draw + "; Path=/; Max-Age=" + COOKIE_AGE.toSeconds()
                        + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
        return canary.takes(draw) ? new Routed(canary.upstream(), named.get(canary.upstream()), setCookie)
                : new Routed(RouteSettings.APP, app, setCookie);
    }

    /** A cookie's value from every {@code Cookie} header (HTTP/2 may send one per cookie). */
    private static Optional<String> cookie(ServerRequest req, String name) {
        if (!req.headers().contains(HeaderNames.COOKIE)) {
            return Optional.empty();
        }
        for (String header : req.headers().get(HeaderNames.COOKIE).allValues()) {
            Optional<String> value = Proxy.cookie(header, name);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    /** The named upstreams in force, for the health probe. */
    Collection<Upstreams> upstreams() {
        return state.get().named().values();
    }

    /** The named upstreams in force by name, for tests. */
    Map<String, Upstreams> named() {
        return state.get().named();
    }

    /** The table in force. */
    RouteTable table() {
        return state.get().table();
    }

    /** How many edits of the file were applied since start. */
    long applied() {
        return applied.get();
    }

    /** How many edits of the file were refused since start. */
    long refused() {
        return refused.get();
    }

    /**
     * Stops watching the file and retires every named upstream: each replica closes its connections
     * once its requests in flight have ended. Call it after the listeners stopped taking requests.
     */
    @Override
    public void close() {
        closed = true;
        watcher.ifPresent(t -> {
            t.interrupt();
            try {
                t.join(POLL.multipliedBy(4)); // not to apply an edit to an upstream retired below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        state.get().named().values().forEach(Upstreams::retire);
    }

    @Override
    public String toString() {
        return "routes " + file.map(Path::toString).orElse("(none)") + " over "
                + List.copyOf(state.get().named().keySet());
    }
}
