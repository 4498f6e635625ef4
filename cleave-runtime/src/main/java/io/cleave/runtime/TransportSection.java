package io.cleave.runtime;

import io.cleave.runtime.spi.TransportSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code [transport]} into {@link TransportSettings}: every key known, every value checked,
 * every problem reported with its file and line before anything starts.
 */
final class TransportSection {

    static final String NAME = "transport";

    private static final Set<String> KEYS = Set.of("max-message-bytes", "max-buffered-bytes", "default-timeout",
            "ping-interval", "write-stall-limit", "connect-timeout", "read-timeout", "idle-timeout", "max-connections",
            "max-calls-per-connection", "max-concurrent-calls", "concurrency-limit", "concurrency-limit-min",
            "concurrency-limit-max", "slow-call", "bind-host", "advertise-host", "mtls", "ca-cert", "ca-key", "cert", "key",
            "cert-lifetime");
    private static final Duration MIN_CERT_LIFETIME = Duration.ofSeconds(5);
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
    private static final long MIN_MESSAGE_BYTES = 1024;
    private static final long MAX_MESSAGE_BYTES = 1L << 30;
    private static final Duration MIN_PING_INTERVAL = Duration.ofMillis(10);

    private final TomlSection section;
    private final Problems problems;
    private final String label;

    private TransportSection(ConfigDocument document, Problems problems) {
        this.section = document.collectingSection(List.of(NAME), problems);
        this.problems = problems;
        this.label = document.label();
    }

    /** Reads and checks the section; problems go to {@code problems}, defaults stand in for what is wrong. */
    static TransportSettings read(ConfigDocument document, Problems problems) {
        return new TransportSection(document, problems).read();
    }

    private TransportSettings read() {
        section.rejectUnknown(KEYS);
        TransportSettings d = TransportSettings.defaults();
        long message = size("max-message-bytes", d.maxMessageBytes(), MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
        long buffered = size("max-buffered-bytes", d.maxBufferedBytes(), MIN_MESSAGE_BYTES, Long.MAX_VALUE);
        if (buffered < message) {
            problems.add(origin("max-buffered-bytes", "max-message-bytes") + ": [transport] max-buffered-bytes (" + buffered
                    + ") is below max-message-bytes (" + message + "): a message of the largest size could never be read");
        }
        Duration ping = duration("ping-interval", d.pingInterval(), MIN_PING_INTERVAL);
        Duration idle = duration("idle-timeout", d.idleTimeout(), Duration.ofMillis(1));
        if (idle.compareTo(ping.multipliedBy(2)) <= 0) {
            problems.add(origin("idle-timeout", "ping-interval") + ": [transport] idle-timeout (" + text(idle)
                    + ") must be more than twice ping-interval (" + text(ping) + "): a server closes a connection quiet for"
                    + " idle-timeout, and a live client pings a quiet one once per ping-interval");
        }
        Optional<String> bind = host("bind-host");
        return new TransportSettings((int) message, buffered,
                duration("default-timeout", d.defaultTimeout(), Duration.ofMillis(1)), ping,
                duration("write-stall-limit", d.writeStallLimit(), Duration.ofMillis(1)),
                duration("connect-timeout", d.connectTimeout(), Duration.ofMillis(1)),
                duration("read-timeout", d.readTimeout(), Duration.ofMillis(1)), idle,
                count("max-connections", d.maxConnections()), count("max-calls-per-connection", d.maxCallsPerConnection()),
                count("max-concurrent-calls", d.maxConcurrentCalls()), limit(d.concurrencyLimit()), bind.orElse(d.bindHost()),
                advertised(bind), tls(d.tls()));
    }

    private TransportSettings.ConcurrencyLimit limit(TransportSettings.ConcurrencyLimit d) {
        int initial = count("concurrency-limit", d.initial());
        int min = count("concurrency-limit-min", Math.min(d.min(), initial));
        int max = count("concurrency-limit-max", Math.max(d.max(), initial));
        if (min > initial || initial > max) {
            problems.add(origin("concurrency-limit", "concurrency-limit-min") + ": [transport] concurrency-limit-min (" + min
                    + ") <= concurrency-limit (" + initial + ") <= concurrency-limit-max (" + max + ") does not hold");
        }
        return new TransportSettings.ConcurrencyLimit(initial, min, max, duration("slow-call", d.slowCall(), Duration.ofMillis(1)));
    }

    private Optional<String> host(String key) {
        if (!section.has(key)) {
            return Optional.empty();
        }
        String host = section.string(key).strip();
        if (host.isEmpty() || host.contains(" ") || host.contains("/")) {
            problems.add(section.value(key).orElseThrow().origin() + ": [transport] key \"" + key + "\" must be a host name or"
                    + " address such as \"10.0.0.5\" or \"0.0.0.0\", got \"" + host + "\"");
            return Optional.empty();
        }
        return Optional.of(host);
    }

    /** advertise-host; required when servers bind a wildcard address, which other processes cannot connect to. */
    private Optional<String> advertised(Optional<String> bind) {
        Optional<String> advertise = host("advertise-host");
        if (advertise.isEmpty() && bind.isPresent() && (bind.get().equals("0.0.0.0") || bind.get().equals("::"))) {
            problems.add(section.value("bind-host").orElseThrow().origin() + ": [transport] bind-host = \"" + bind.get()
                    + "\" listens on every address, but other processes need one to connect to: set advertise-host too");
        }
        return advertise;
    }

    private TransportSettings.Tls tls(TransportSettings.Tls d) {
        boolean enabled = !section.has("mtls") || section.bool("mtls");
        String origin = section.value("mtls").map(TomlSection.Value::origin).orElse(d.origin());
        Optional<String> caCert = file("ca-cert");
        Optional<String> caKey = file("ca-key");
        Optional<String> cert = file("cert");
        Optional<String> key = file("key");
        Duration lifetime = duration("cert-lifetime", d.certificateLifetime(), MIN_CERT_LIFETIME);
        if (!enabled) {
            for (String k : List.of("ca-cert", "ca-key", "cert", "key", "cert-lifetime")) {
                section.value(k).ifPresent(v -> problems.add(v.origin() + ": [transport] " + k + " has no effect with mtls = false"
                        + " (" + origin + "); remove one of them"));
            }
        }
        if (caKey.isPresent() && caCert.isEmpty()) {
            problems.add(section.value("ca-key").orElseThrow().origin() + ": [transport] ca-key needs ca-cert, the certificate of"
                    + " the authority whose key it is");
        }
        if (cert.isPresent() != key.isPresent()) {
            problems.add(section.value(cert.isPresent() ? "cert" : "key").orElseThrow().origin() + ": [transport] cert and key"
                    + " go together: a process's certificate file and its private key's");
        }
        if (cert.isPresent() && caCert.isEmpty()) {
            problems.add(section.value("cert").orElseThrow().origin() + ": [transport] cert needs ca-cert, the authority that"
                    + " peers' certificates must chain to");
        }
        if (cert.isPresent() && caKey.isPresent()) {
            problems.add(section.value("ca-key").orElseThrow().origin() + ": [transport] ca-key and cert exclude each other:"
                    + " either the supervisor issues certificates from the authority (ca-cert, ca-key), or every process reads"
                    + " its own (ca-cert, cert, key)");
        }
        if (cert.isPresent() && section.has("cert-lifetime")) {
            problems.add(section.value("cert-lifetime").orElseThrow().origin() + ": [transport] cert-lifetime has no effect with"
                    + " cert: a certificate read from a file is valid as long as it says (renew the file, it is read again)");
        }
        if (caCert.isPresent() && caKey.isEmpty() && cert.isEmpty()) {
            problems.add(section.value("ca-cert").orElseThrow().origin() + ": [transport] ca-cert needs ca-key (the supervisor"
                    + " issues from that authority) or cert and key (every process reads its own certificate)");
        }
        return new TransportSettings.Tls(enabled, caCert, caKey, cert, key, lifetime, origin);
    }

    /** A file path; not read here: {@code {group}} stands for each process's group. */
    private Optional<String> file(String key) {
        if (!section.has(key)) {
            return Optional.empty();
        }
        String path = section.string(key);
        if (path.isBlank()) {
            problems.add(section.value(key).orElseThrow().origin() + ": [transport] key \"" + key + "\" must name a PEM file");
            return Optional.empty();
        }
        return Optional.of(path);
    }

    /** A byte count: an integer, or a string with a binary unit ("16MiB"). */
    private long size(String key, long fallback, long min, long max) {
        Optional<TomlSection.Value> found = section.value(key);
        if (found.isEmpty()) {
            return fallback;
        }
        TomlSection.Value v = found.get();
        Optional<Long> bytes = bytes(v.value());
        if (bytes.isEmpty()) {
            problems.add(v.origin() + ": [transport] key \"" + key + "\" must be a size in bytes such as 16777216 or"
                    + " \"16MiB\" (units B, KiB, MiB, GiB), got " + TomlSection.describe(v.value()));
            return fallback;
        }
        long n = bytes.get();
        if (n < min || n > max) {
            problems.add(v.origin() + ": [transport] key \"" + key + "\" must be " + (max == Long.MAX_VALUE
                    ? "at least " + min + " bytes" : "between " + min + " and " + max + " bytes (1 KiB to 1 GiB)")
                    + ", got " + n);
            return fallback;
        }
        return n;
    }

    private static Optional<Long> bytes(Object value) {
        if (value instanceof Long l) {
            return Optional.of(l);
        }
        if (!(value instanceof String s)) {
            return Optional.empty();
        }
        Matcher m = SIZE.matcher(s.strip());
        if (!m.matches() || m.group(1).length() > 12) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return Optional.of(switch (unit) {
            case "KiB" -> amount << 10;
            case "MiB" -> amount << 20;
            case "GiB" -> amount << 30;
            default -> amount;
        });
    }

    private Duration duration(String key, Duration fallback, Duration min) {
        if (!section.has(key)) {
            return fallback;
        }
        int before = problems.count();
        Duration d = section.duration(key);
        if (problems.count() > before) {
            return fallback;
        }
        if (d.compareTo(min) < 0) {
            TomlSection.Value v = section.value(key).orElseThrow();
            problems.add(v.origin() + ": [transport] key \"" + key + "\" must be at least " + text(min) + ", got "
                    + TomlSection.describe(v.value()));
            return fallback;
        }
        return d;
    }

    private int count(String key, int fallback) {
        if (!section.has(key)) {
            return fallback;
        }
        int before = problems.count();
        int n = section.int32(key);
        if (problems.count() > before) {
            return fallback;
        }
        if (n < 1) {
            problems.add(section.value(key).orElseThrow().origin() + ": [transport] key \"" + key
                    + "\" must be at least 1, got " + n);
            return fallback;
        }
        return n;
    }

    /** Where the first of these keys that is set was set; the file when neither is. */
    private String origin(String key, String other) {
        return section.value(key).or(() -> section.value(other)).map(TomlSection.Value::origin).orElse(label);
    }

    /** A duration as the configuration writes it: "250ms", "30s". */
    private static String text(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        return (d.toMillis() / 1000) + "s";
    }
}
