package io.cleave.gateway;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code [gateway]} asks for, checked: every key optional, every value validated with a
 * message naming the key and what would be valid.
 *
 * @param replicas how many gateway processes a deployer runs
 * @param tls what every public address serves TLS with; empty for plain HTTP
 * @param upstreamTimeout how long an upstream may stay silent before its response headers
 * @param retries how many other replicas a failed request may be tried on
 * @param admission the bound on requests served at once
 * @param rateLimit the limit for requests no route names; empty for none
 * @param routes limits by path prefix, longest prefix first
 * @param redis where buckets are shared by the gateway's replicas; empty for local buckets
 * @param maxBody the largest request body, in bytes
 * @param maxHeaderSize the largest request header block, in bytes
 * @param readTimeout how long a client may stay silent before its connection is closed
 * @param accessLog whether each request is logged
 * @param cache the edge cache's routes and bounds ({@link CacheSettings})
 */
record GatewaySettings(int replicas, Optional<TlsSource> tls, Duration upstreamTimeout, int retries,
        Admission admission, Optional<RateLimit> rateLimit, List<Route> routes, Optional<URI> redis, long maxBody,
        int maxHeaderSize, Duration readTimeout, boolean accessLog, CacheSettings cache) {

    static final Set<String> KEYS = Set.of("replicas", "tls-certificate", "tls-key", "tls-keystore",
            "tls-keystore-password", "upstream-timeout", "retries", "concurrency-limit", "rate-limit",
            "rate-limit-burst", "rate-limit-key", "redis-url", "max-body", "max-header-size", "read-timeout",
            "access-log", "route-table", "cache-size", "purge-from");
    static final Set<String> ROUTE_KEYS = Set.of("rate-limit", "rate-limit-burst", "rate-limit-key", "cache-ttl",
            "cache-stale", "cache-with-cookies");

    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(s|sec|second|m|min|minute)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

    /** Where the TLS key and certificate chain come from. */
    sealed interface TlsSource {

        /** The certificate chain ({@code tls.crt}) and private key ({@code tls.key}) as PEM files. */
        record PemFiles(Path certificate, Path key) implements TlsSource {
        }

        /** A PKCS#12 key store holding one private key with its chain. */
        record KeyStore(Path file, char[] password) implements TlsSource {
        }
    }

    /** The bound on requests in flight per listener; beyond it {@code 503} at once. */
    sealed interface Admission {

        /** Netflix's gradient limit: follows latency, within {@code min..max}. */
        record Gradient(int initial, int min, int max, double tolerance) implements Admission {
        }

        /** A fixed number of requests. */
        record Fixed(int limit) implements Admission {
        }

        /** No bound. */
        record Off() implements Admission {
        }
    }

    /** Whose bucket a request takes its token from. */
    sealed interface ClientKey {

        /** The TCP peer's address. */
        record Address() implements ClientKey {
        }

        /** A request header's value, such as an API key; the address when it is absent. */
        record Header(String name) implements ClientKey {
        }

        /** A cookie's value, such as a session; the address when it is absent. */
        record Cookie(String name) implements ClientKey {
        }
    }

    /**
     * A token bucket per client.
     *
     * @param text the rate as written, for logs and keys
     * @param tokens tokens added per {@code period}
     * @param period the refill period
     * @param burst the bucket's capacity
     * @param key whose bucket a request uses
     */
    record RateLimit(String text, long tokens, Duration period, long burst, ClientKey key) {
    }

    /**
     * A rate limit for paths under a prefix, replacing the top-level one there.
     *
     * @param prefix the path prefix, such as {@code /api/login}
     * @param limit its limit
     */
    record Route(String prefix, RateLimit limit) {

        boolean matches(String path) {
            return RouteTable.covers(prefix, path);
        }
    }

    static final int DEFAULT_REPLICAS = 1;
    static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_RETRIES = 1;
    static final Admission DEFAULT_ADMISSION = new Admission.Gradient(100, 20, 1000, 2.0);
    static final long DEFAULT_MAX_BODY = 16L * 1024 * 1024;
    static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Reads and checks {@code [gateway]} and its {@code [gateway.routes."/prefix"]} tables.
     *
     * @throws ConfigError naming the key at fault and what would be valid
     */
    static GatewaySettings read(ConfigSection s) {
        s.rejectUnknown(KEYS);
        s.rejectUnknownSubsections(Set.of("routes", "upstreams"), "a table of the gateway ([gateway.routes.\"/prefix\"]"
                + " or [gateway.upstreams])");
        String at = "[" + s.path() + "] ";
        int replicas = s.has("replicas") ? s.int32("replicas") : DEFAULT_REPLICAS;
        if (replicas < 1) {
            throw new ConfigError(at + "replicas = " + replicas + ": expected at least 1 gateway process");
        }
        int retries = s.has("retries") ? s.int32("retries") : DEFAULT_RETRIES;
        if (retries < 0 || retries > 10) {
            throw new ConfigError(at + "retries = " + retries + ": expected 0 to 10 (other replicas a failed"
                    + " idempotent request is tried on)");
        }
        Optional<RateLimit> top = s.has("rate-limit") ? Optional.of(rateLimit(s, Optional.empty())) : Optional.empty();
        if (top.isEmpty() && (s.has("rate-limit-burst") || s.has("rate-limit-key"))) {
            throw new ConfigError(at + "rate-limit-burst and rate-limit-key tune rate-limit, which is not set;"
                    + " add rate-limit = \"100/s\" (or \"6000/min\")");
        }
        CacheSettings cache = CacheSettings.read(s);
        List<Route> routes = new ArrayList<>();
        if (s.subsections().contains("routes")) {
            ConfigSection table = s.subsection("routes");
            table.rejectUnknown(Set.of());
            for (String prefix : table.subsections()) {
                ConfigSection r = table.subsection(prefix);
                if (!prefix.startsWith("/")) {
                    throw new ConfigError("[" + r.path() + "]: a route is a path prefix starting with \"/\", such as"
                            + " [gateway.routes.\"/api/login\"]");
                }
                r.rejectUnknown(ROUTE_KEYS);
                if (!r.has("rate-limit") && !r.has("cache-ttl")) {
                    throw new ConfigError("[" + r.path() + "] has neither rate-limit nor cache-ttl; add rate-limit ="
                            + " \"5/s\" or cache-ttl = \"30s\"");
                }
                if (r.has("rate-limit")) {
                    routes.add(new Route(prefix, rateLimit(r, top)));
                } else if (r.has("rate-limit-burst") || r.has("rate-limit-key")) {
                    throw new ConfigError("[" + r.path() + "] rate-limit-burst and rate-limit-key tune rate-limit,"
                            + " which is not set; add rate-limit = \"5/s\"");
                }
            }
        }
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        long maxHeaders = s.has("max-header-size") ? size(s, "max-header-size") : DEFAULT_MAX_HEADER_SIZE;
        if (maxHeaders > Integer.MAX_VALUE) {
            throw new ConfigError(at + "max-header-size = " + maxHeaders + ": at most " + Integer.MAX_VALUE + " bytes");
        }
        return new GatewaySettings(replicas, tls(s), s.positiveDuration("upstream-timeout", DEFAULT_UPSTREAM_TIMEOUT),
                retries, admission(s), top, List.copyOf(routes), redis(s),
                s.has("max-body") ? size(s, "max-body") : DEFAULT_MAX_BODY, (int) maxHeaders,
                s.positiveDuration("read-timeout", DEFAULT_READ_TIMEOUT), !s.has("access-log") || s.bool("access-log"),
                cache);
    }

    /** The limit that applies to a path: its longest route's, else the top-level one. */
    Optional<RateLimit> limitFor(String path) {
        for (Route r : routes) {
            if (r.matches(path)) {
                return Optional.of(r.limit());
            }
        }
        return rateLimit;
    }

    private static Optional<TlsSource> tls(ConfigSection s) {
        String at = "[" + s.path() + "]";
        boolean pem = s.has("tls-certificate") || s.has("tls-key");
        boolean store = s.has("tls-keystore") || s.has("tls-keystore-password");
        if (pem && store) {
            throw new ConfigError(at + ": give either tls-certificate and tls-key (PEM files) or tls-keystore and"
                    + " tls-keystore-password (PKCS#12), not both");
        }
        if (pem) {
            if (!s.has("tls-certificate") || !s.has("tls-key")) {
                throw new ConfigError(at + ": tls-certificate and tls-key go together (the PEM certificate chain, such"
                        + " as tls.crt, and its private key, such as tls.key); "
                        + (s.has("tls-key") ? "tls-certificate" : "tls-key") + " is missing");
            }
            return Optional.of(new TlsSource.PemFiles(Path.of(s.string("tls-certificate")), Path.of(s.string("tls-key"))));
        }
        if (store) {
            if (!s.has("tls-keystore") || !s.has("tls-keystore-password")) {
                throw new ConfigError(at + ": tls-keystore (a PKCS#12 file) and tls-keystore-password go together; set"
                        + " the password in the environment rather than the file: CLEAVE_GATEWAY__TLS_KEYSTORE_PASSWORD");
            }
            return Optional.of(new TlsSource.KeyStore(Path.of(s.string("tls-keystore")),
                    s.string("tls-keystore-password").toCharArray()));
        }
        return Optional.empty();
    }

    private static Admission admission(ConfigSection s) {
        if (!s.has("concurrency-limit")) {
            return DEFAULT_ADMISSION;
        }
        String text = s.string("concurrency-limit").strip();
        if (text.equals("gradient")) {
            return DEFAULT_ADMISSION;
        }
        if (text.equals("off")) {
            return new Admission.Off();
        }
        if (text.matches("\\d{1,9}") && Integer.parseInt(text) > 0) {
            return new Admission.Fixed(Integer.parseInt(text));
        }
        throw new ConfigError("[" + s.path() + "] concurrency-limit = \"" + text + "\": expected \"gradient\" (the"
                + " default), \"off\", or a number of requests in flight such as \"200\"");
    }

    /** {@code rate-limit}, {@code rate-limit-burst} and {@code rate-limit-key} of a table; a route inherits the key. */
    private static RateLimit rateLimit(ConfigSection s, Optional<RateLimit> inherited) {
        String at = "[" + s.path() + "] ";
        String text = s.string("rate-limit").strip();
        Matcher m = RATE.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new ConfigError(at + "rate-limit = \"" + text + "\": expected requests per second or minute, such"
                    + " as \"100/s\" or \"600/min\" (at least 1)");
        }
        long tokens = Long.parseLong(m.group(1));
        Duration period = m.group(2).startsWith("s") ? Duration.ofSeconds(1) : Duration.ofMinutes(1);
        long perSecond = Math.max(1, period.getSeconds() == 1 ? tokens : tokens / 60);
        long burst = s.has("rate-limit-burst") ? s.int64("rate-limit-burst") : perSecond;
        if (burst < 1) {
            throw new ConfigError(at + "rate-limit-burst = " + burst + ": expected at least 1 (requests a client may"
                    + " send at once; default: the rate per second, " + perSecond + ")");
        }
        ClientKey key = s.has("rate-limit-key") ? clientKey(at, s.string("rate-limit-key").strip())
                : inherited.map(RateLimit::key).orElse(new ClientKey.Address());
        return new RateLimit(text, tokens, period, burst, key);
    }

    private static ClientKey clientKey(String at, String text) {
        if (text.equals("address")) {
            return new ClientKey.Address();
        }
        if (text.startsWith("header:") && text.length() > "header:".length()
                && text.substring("header:".length()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            return new ClientKey.Header(text.substring("header:".length()));
        }
        if (text.startsWith("cookie:") && text.length() > "cookie:".length()) {
            return new ClientKey.Cookie(text.substring("cookie:".length()));
        }
        throw new ConfigError(at + "rate-limit-key = \"" + text + "\": expected \"address\" (the client's, the"
                + " default), \"header:<name>\" such as \"header:X-Api-Key\", or \"cookie:<name>\" such as"
                + " \"cookie:session\"");
    }

    private static Optional<URI> redis(ConfigSection s) {
        if (!s.has("redis-url")) {
            return Optional.empty();
        }
        String text = s.string("redis-url").strip();
        try {
            URI uri = new URI(text);
            if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw new ConfigError("[" + s.path() + "] redis-url = \"" + text + "\": expected redis://host:port (or"
                + " rediss:// for TLS), such as redis://127.0.0.1:6379");
    }

    /** A size: an integer number of bytes or a string such as {@code "64KiB"}, {@code "16MiB"}. */
    static long size(ConfigSection s, String key) {
        String at = "[" + s.path() + "] " + key + " = ";
        long bytes;
        try {
            bytes = s.int64(key);
        } catch (ConfigError notAnInteger) {
            String text = s.string(key).strip();
            Matcher m = SIZE.matcher(text);
            if (!m.matches()) {
                throw new ConfigError(at + "\"" + text + "\": expected a number of bytes, or a size such as \"64KiB\""
                        + " or \"16MiB\"");
            }
            long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KiB" -> 1024L;
                case "MiB" -> 1024L * 1024;
                case "GiB" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            bytes = Long.parseLong(m.group(1)) * unit;
        }
        if (bytes <= 0) {
            throw new ConfigError(at + bytes + ": must be positive");
        }
        return bytes;
    }
}
