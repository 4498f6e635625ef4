package io.cleave.web;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one listener serves, from {@code [listeners] name = "host:port"} or a
 * {@code [listeners.name]} table (every key of which is optional but {@code address}).
 *
 * @param name the listener's name
 * @param origin where the settings come from, for messages: {@code [listeners] web} or {@code [listeners.web]}
 * @param address where it binds
 * @param tls what it serves TLS with; empty for plain HTTP
 * @param maxBody the largest request body, in bytes
 * @param maxHeaderSize the largest request header block, in bytes
 * @param readTimeout how long it waits for a client's next bytes
 * @param requestTimeout the deadline of a request's work: what its handler calls (other components,
 *     the store) carry as {@link io.cleave.CallContext}'s deadline
 * @param concurrency how many requests it serves at once
 * @param trustedProxies whose {@code X-Forwarded-For} names the client
 */
record ListenerSettings(String name, String origin, ListenerAddress address, Optional<TlsSource> tls, long maxBody,
        int maxHeaderSize, Duration readTimeout, Duration requestTimeout, Concurrency concurrency,
        TrustedProxies trustedProxies) {

    static final long DEFAULT_MAX_BODY = 16L * 1024 * 1024;
    static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    static final Set<String> KEYS = Set.of("address", "tls-certificate", "tls-key", "tls-keystore",
            "tls-keystore-password", "max-body", "max-header-size", "read-timeout", "request-timeout", "concurrency-limit",
            "concurrency-min", "concurrency-max", "concurrency-slow-request", "concurrency-tolerance", "trusted-proxies");

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

    /**
     * Where a listener's key and certificates come from.
     *
     * @param key the key whose path it is, for messages: {@code tls-certificate} or {@code tls-keystore}
     */
    sealed interface TlsSource {

        /** The certificate chain ({@code tls.crt}) and private key ({@code tls.key}) as PEM files. */
        record PemFiles(Path certificate, Path key) implements TlsSource {
        }

        /** A PKCS#12 key store holding one private key with its chain. */
        record KeyStore(Path file, char[] password) implements TlsSource {
        }
    }

    /**
     * A listener's bound on requests served at once: beyond it, a request is answered {@code 503} at once.
     *
     * @param kind gradient (latency-driven), adaptive (AIMD), fixed, or off
     * @param min the adaptive or gradient limit's floor and start; the fixed limit
     * @param max the adaptive or gradient limit's ceiling
     * @param slowRequest adaptive: a request slower than this lowers the limit as a failed one does
     * @param tolerance gradient: how many times its usual latency a request may take before the
     *     limit falls
     */
    record Concurrency(Kind kind, int min, int max, Duration slowRequest, double tolerance) {

        static final Duration SLOW_REQUEST = Duration.ofSeconds(1);
        static final double TOLERANCE = 2.0;
        static final Concurrency DEFAULT = new Concurrency(Kind.GRADIENT, 20, 200, SLOW_REQUEST, TOLERANCE);

        enum Kind { GRADIENT, ADAPTIVE, FIXED, OFF }

        @Override
        public String toString() {
            return switch (kind) {
                case GRADIENT -> "gradient " + min + ".." + max + " (tolerance " + tolerance + "x)";
                case ADAPTIVE -> "adaptive " + min + ".." + max + " (slow request " + slowRequest.toMillis() + " ms)";
                case FIXED -> "fixed " + min;
                case OFF -> "off";
            };
        }
    }

    /**
     * Reads the settings of listener {@code name}.
     *
     * @param listeners the {@code [listeners]} section
     * @param section the section at a dotted path ({@code listeners.web})
     * @return the settings, or empty when {@code [listeners]} does not name it
     * @throws ConfigError naming the listener, key and what would be valid
     */
    static Optional<ListenerSettings> read(String name, ConfigSection listeners, Function<String, ConfigSection> section) {
        // environment overrides name sub-tables in upper case (CLEAVE_LISTENERS__WEB__ADDRESS): compare as they do
        if (listeners.subsections().stream().anyMatch(s -> canonical(s).equals(canonical(name)))) {
            return Optional.of(table(name, section.apply("listeners." + name)));
        }
        if (!listeners.has(name)) {
            return Optional.empty();
        }
        return Optional.of(plain(name, "[listeners] " + name, ListenerAddress.parse(name, listeners.string(name))));
    }

    private static String canonical(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * These settings behind a gateway that serves the configured address: a port of its own on
     * the configured host, plain HTTP (the gateway terminates TLS), and the gateway, which
     * presents its token, trusted for {@code X-Forwarded-For}.
     *
     * @param gatewayToken what the gateway presents on each request it forwards
     * @param elsewhere whether the gateway runs on another host (a pod of its own): the listener
     *     then keeps its configured address, which the gateway forwards to
     * @throws ConfigError if the listener has TLS settings of its own, which would do nothing there
     */
    ListenerSettings fronted(String gatewayToken, boolean elsewhere) {
        if (tls.isPresent()) {
            throw new ConfigError(origin + " " + (tls.get() instanceof TlsSource.KeyStore ? "tls-keystore" : "tls-certificate")
                    + ": the gateway ([gateway]) serves this listener and terminates TLS in front of it; move the TLS"
                    + " settings to [gateway]");
        }
        return new ListenerSettings(name, origin + " behind the gateway", elsewhere ? address : new ListenerAddress(address.host(), 0),
                Optional.empty(), maxBody, maxHeaderSize, readTimeout, requestTimeout, concurrency,
                trustedProxies.behindGateway(gatewayToken));
    }

    /** The defaults, at an address. */
    static ListenerSettings plain(String name, String origin, ListenerAddress address) {
        return new ListenerSettings(name, origin, address, Optional.empty(), DEFAULT_MAX_BODY, DEFAULT_MAX_HEADER_SIZE,
                DEFAULT_READ_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Concurrency.DEFAULT, TrustedProxies.NONE);
    }

    private static ListenerSettings table(String name, ConfigSection t) {
        String origin = "[listeners." + name + "]";
        t.rejectUnknown(KEYS);
        if (!t.has("address")) {
            throw new ConfigError(origin + " has no \"address\"; add address = \"127.0.0.1:8080\" (host:port)");
        }
        ListenerAddress address = ListenerAddress.parse(name, t.string("address"), origin + " address");
        Optional<TlsSource> tls = tls(origin, t);
        long maxBody = t.has("max-body") ? size(origin, t, "max-body") : DEFAULT_MAX_BODY;
        long maxHeaders = t.has("max-header-size") ? size(origin, t, "max-header-size") : DEFAULT_MAX_HEADER_SIZE;
        if (maxHeaders > Integer.MAX_VALUE) {
            throw new ConfigError(origin + " max-header-size = " + maxHeaders + ": at most " + Integer.MAX_VALUE + " bytes");
        }
        Duration readTimeout = t.positiveDuration("read-timeout", DEFAULT_READ_TIMEOUT);
        Duration requestTimeout = t.positiveDuration("request-timeout", DEFAULT_REQUEST_TIMEOUT);
        TrustedProxies proxies = t.has("trusted-proxies")
                ? TrustedProxies.parse(origin + " trusted-proxies", t.strings("trusted-proxies")) : TrustedProxies.NONE;
        return new ListenerSettings(name, origin, address, tls, maxBody, (int) maxHeaders, readTimeout, requestTimeout,
                concurrency(origin, t), proxies);
    }

    private static Optional<TlsSource> tls(String origin, ConfigSection t) {
        boolean pem = t.has("tls-certificate") || t.has("tls-key");
        boolean store = t.has("tls-keystore") || t.has("tls-keystore-password");
        if (pem && store) {
            throw new ConfigError(origin + ": give either tls-certificate and tls-key (PEM files) or tls-keystore and"
                    + " tls-keystore-password (PKCS#12), not both");
        }
        if (pem) {
            if (!t.has("tls-certificate") || !t.has("tls-key")) {
                throw new ConfigError(origin + ": tls-certificate and tls-key go together (the PEM certificate chain,"
                        + " such as tls.crt, and its private key, such as tls.key); " + (t.has("tls-key")
                        ? "tls-certificate" : "tls-key") + " is missing");
            }
            return Optional.of(new TlsSource.PemFiles(Path.of(t.string("tls-certificate")), Path.of(t.string("tls-key"))));
        }
        if (store) {
            if (!t.has("tls-keystore")) {
                throw new ConfigError(origin + ": tls-keystore-password is set but tls-keystore (the PKCS#12 file) is not");
            }
            if (!t.has("tls-keystore-password")) {
                throw new ConfigError(origin + ": tls-keystore needs tls-keystore-password; set it in the environment"
                        + " rather than the file: " + passwordVariable(origin));
            }
            return Optional.of(new TlsSource.KeyStore(Path.of(t.string("tls-keystore")),
                    t.string("tls-keystore-password").toCharArray()));
        }
        return Optional.empty();
    }

    /** The environment variable that sets a listener's key store password, as the runtime's overrides name it. */
    static String passwordVariable(String origin) {
        String listener = origin.substring("[listeners.".length(), origin.length() - 1);
        return "CLEAVE_LISTENERS__" + listener.toUpperCase(Locale.ROOT).replace('-', '_') + "__TLS_KEYSTORE_PASSWORD";
    }

    private static Concurrency concurrency(String origin, ConfigSection t) {
        Concurrency d = Concurrency.DEFAULT;
        Concurrency.Kind kind = d.kind();
        int fixed = 0;
        String named = d.kind().name().toLowerCase(Locale.ROOT);
        if (t.has("concurrency-limit")) {
            named = t.string("concurrency-limit").strip();
            if (named.equals("gradient")) {
                kind = Concurrency.Kind.GRADIENT;
            } else if (named.equals("adaptive")) {
                kind = Concurrency.Kind.ADAPTIVE;
            } else if (named.equals("off")) {
                kind = Concurrency.Kind.OFF;
            } else if (named.matches("\\d{1,9}") && Integer.parseInt(named) > 0) {
                kind = Concurrency.Kind.FIXED;
                fixed = Integer.parseInt(named);
            } else {
                String other = d.kind() == Concurrency.Kind.GRADIENT ? "adaptive" : "gradient";
                throw new ConfigError(origin + " concurrency-limit = \"" + named + "\": expected \""
                        + d.kind().name().toLowerCase(Locale.ROOT) + "\" (the default), \"" + other
                        + "\", \"off\", or a fixed number of requests such as \"100\"");
            }
        }
        String limit = "concurrency-limit is \"" + named + "\"";
        if ((t.has("concurrency-min") || t.has("concurrency-max"))
                && kind != Concurrency.Kind.ADAPTIVE && kind != Concurrency.Kind.GRADIENT) {
            throw new ConfigError(origin + ": concurrency-min and concurrency-max tune the adaptive and gradient limits,"
                    + " but " + limit);
        }
        if (t.has("concurrency-slow-request") && kind != Concurrency.Kind.ADAPTIVE) {
            throw new ConfigError(origin + ": concurrency-slow-request tunes the adaptive limit, but " + limit);
        }
        if (t.has("concurrency-tolerance") && kind != Concurrency.Kind.GRADIENT) {
            throw new ConfigError(origin + ": concurrency-tolerance tunes the gradient limit, but " + limit);
        }
        if (kind == Concurrency.Kind.FIXED) {
            return new Concurrency(kind, fixed, fixed, d.slowRequest(), d.tolerance());
        }
        if (kind == Concurrency.Kind.OFF) {
            return new Concurrency(kind, 0, 0, d.slowRequest(), d.tolerance());
        }
        int min = t.has("concurrency-min") ? t.int32("concurrency-min") : d.min();
        int max = t.has("concurrency-max") ? t.int32("concurrency-max") : Math.max(d.max(), min);
        if (min < 1 || max < min) {
            throw new ConfigError(origin + " concurrency-min = " + min + ", concurrency-max = " + max
                    + ": expected 1 <= concurrency-min <= concurrency-max");
        }
        double tolerance = t.has("concurrency-tolerance") ? t.float64("concurrency-tolerance") : d.tolerance();
        if (!(tolerance >= 1.0 && tolerance <= 100.0)) {
            throw new ConfigError(origin + " concurrency-tolerance = " + tolerance
                    + ": expected 1.0 to 100.0 (times a request's usual latency)");
        }
        return new Concurrency(kind, min, max, t.positiveDuration("concurrency-slow-request", d.slowRequest()), tolerance);
    }

    /** A size: an integer number of bytes or a string such as {@code "64KiB"}, {@code "16MiB"}. */
    private static long size(String origin, ConfigSection t, String key) {
        long bytes;
        try {
            bytes = t.int64(key);
        } catch (ConfigError notAnInteger) {
            bytes = -1;
        }
        if (bytes >= 0) {
            return positive(origin, key, bytes);
        }
        String text = t.string(key).strip();
        Matcher m = SIZE.matcher(text);
        if (!m.matches() || m.group(1).length() > 12) {
            throw new ConfigError(origin + " " + key + " = \"" + text + "\": expected a number of bytes, or a size such"
                    + " as \"64KiB\" or \"16MiB\"");
        }
        long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            case "GiB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return positive(origin, key, Long.parseLong(m.group(1)) * unit);
    }

    private static long positive(String origin, String key, long bytes) {
        if (bytes <= 0) {
            throw new ConfigError(origin + " " + key + " = " + bytes + ": must be positive");
        }
        return bytes;
    }

    @Override
    public String toString() {
        return origin + " " + address + (tls.isPresent() ? " (TLS)" : "");
    }
}
