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
            "max-calls-per-connection", "max-concurrent-calls");
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
        return new TransportSettings((int) message, buffered,
                duration("default-timeout", d.defaultTimeout(), Duration.ofMillis(1)), ping,
                duration("write-stall-limit", d.writeStallLimit(), Duration.ofMillis(1)),
                duration("connect-timeout", d.connectTimeout(), Duration.ofMillis(1)),
                duration("read-timeout", d.readTimeout(), Duration.ofMillis(1)), idle,
                count("max-connections", d.maxConnections()), count("max-calls-per-connection", d.maxCallsPerConnection()),
                count("max-concurrent-calls", d.maxConcurrentCalls()));
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
