package io.cleave.events;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How events are relayed, from {@code [events]}; every key optional.
 *
 * @param pollInterval the longest the relay waits before looking at the outbox again without
 *     being woken by a commit (rows whose retry is due, a relay of another process that died)
 * @param batchSize outbox rows read at once
 * @param maxAttempts failed deliveries of one event to one subscriber before it is set aside as
 *     a dead letter
 * @param initialBackoff the pause before the first retry of a failed delivery, doubled per retry
 * @param maxBackoff the longest pause between retries
 * @param deliveryTimeout the deadline of one delivery call (with Kafka also of one send to the
 *     broker and of one offset commit)
 * @param kafkaBootstrapServers the Kafka brokers to deliver through ({@code host:port,...});
 *     empty for delivery without a broker (in process, or relayed over the transport)
 * @param kafkaPartitions the partition count of the topics Cleave creates
 * @param kafkaReplicationFactor the replication factor of the topics Cleave creates
 * @param inboxRetention how long an applied event's id stays in {@code cleave_inbox}; must exceed
 *     the longest time the same event can be delivered again
 */
record EventsSettings(Duration pollInterval, int batchSize, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
        Duration deliveryTimeout, String kafkaBootstrapServers, int kafkaPartitions, int kafkaReplicationFactor,
        Duration inboxRetention) {

    static final EventsSettings DEFAULTS = new EventsSettings(Duration.ofMillis(500), 200, 10, Duration.ofMillis(100),
            Duration.ofSeconds(30), Duration.ofSeconds(10), "", 6, 1, Duration.ofDays(8));
    static final Set<String> KEYS = Set.of("poll-interval", "batch-size", "max-attempts", "initial-backoff", "max-backoff",
            "delivery-timeout", "kafka-bootstrap-servers", "kafka-partitions", "kafka-replication-factor", "inbox-retention");
    private static final java.util.regex.Pattern SERVERS =
            java.util.regex.Pattern.compile("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}(,[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5})*");

    static EventsSettings read(ConfigSection section) {
        section.rejectUnknown(KEYS);
        EventsSettings s = new EventsSettings(
                section.positiveDuration("poll-interval", DEFAULTS.pollInterval()),
                count(section, "batch-size", DEFAULTS.batchSize(), 10_000),
                count(section, "max-attempts", DEFAULTS.maxAttempts(), 1_000),
                section.positiveDuration("initial-backoff", DEFAULTS.initialBackoff()),
                section.positiveDuration("max-backoff", DEFAULTS.maxBackoff()),
                section.positiveDuration("delivery-timeout", DEFAULTS.deliveryTimeout()),
                servers(section),
                count(section, "kafka-partitions", DEFAULTS.kafkaPartitions(), 10_000),
                count(section, "kafka-replication-factor", DEFAULTS.kafkaReplicationFactor(), 32),
                section.positiveDuration("inbox-retention", DEFAULTS.inboxRetention()));
        if (s.maxBackoff().compareTo(s.initialBackoff()) < 0) {
            throw new ConfigError("[" + section.path() + "] max-backoff (" + s.maxBackoff() + ") is shorter than initial-backoff ("
                    + s.initialBackoff() + ")");
        }
        if (!s.kafka() && (section.has("kafka-partitions") || section.has("kafka-replication-factor"))) {
            throw new ConfigError("[" + section.path() + "] " + (section.has("kafka-partitions") ? "kafka-partitions"
                    : "kafka-replication-factor") + " is set but kafka-bootstrap-servers is not: without a broker it does nothing");
        }
        if (s.deliveryTimeout().toMillis() < 2_000 && s.kafka()) {
            throw new ConfigError("[" + section.path() + "] delivery-timeout = " + s.deliveryTimeout()
                    + ": with Kafka it bounds a send to the broker and must be at least 2s");
        }
        return s;
    }

    private static String servers(ConfigSection section) {
        if (!section.has("kafka-bootstrap-servers")) {
            return "";
        }
        String servers = section.string("kafka-bootstrap-servers").replace(" ", "");
        if (!SERVERS.matcher(servers).matches()) {
            throw new ConfigError("[" + section.path() + "] kafka-bootstrap-servers = \"" + servers
                    + "\": must be host:port, or several separated by commas (\"127.0.0.1:9092,10.0.0.2:9092\")");
        }
        return servers;
    }

    /** @return whether events go through Kafka */
    boolean kafka() {
        return !kafkaBootstrapServers.isEmpty();
    }

    private static int count(ConfigSection section, String key, int fallback, int max) {
        if (!section.has(key)) {
            return fallback;
        }
        int n = section.int32(key);
        if (n < 1 || n > max) {
            throw new ConfigError("[" + section.path() + "] " + key + " = " + n + ": must be 1 to " + max);
        }
        return n;
    }

    /** The pause before retry {@code attempt} (1 for the first): doubled each time, capped, with jitter. */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }
}
