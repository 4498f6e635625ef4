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
 * @param deliveryTimeout the deadline of one delivery call
 */
record EventsSettings(Duration pollInterval, int batchSize, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
        Duration deliveryTimeout) {

    static final EventsSettings DEFAULTS = new EventsSettings(Duration.ofMillis(500), 200, 10, Duration.ofMillis(100),
            Duration.ofSeconds(30), Duration.ofSeconds(10));
    static final Set<String> KEYS = Set.of("poll-interval", "batch-size", "max-attempts", "initial-backoff", "max-backoff",
            "delivery-timeout");

    static EventsSettings read(ConfigSection section) {
        section.rejectUnknown(KEYS);
        EventsSettings s = new EventsSettings(
                section.positiveDuration("poll-interval", DEFAULTS.pollInterval()),
                count(section, "batch-size", DEFAULTS.batchSize(), 10_000),
                count(section, "max-attempts", DEFAULTS.maxAttempts(), 1_000),
                section.positiveDuration("initial-backoff", DEFAULTS.initialBackoff()),
                section.positiveDuration("max-backoff", DEFAULTS.maxBackoff()),
                section.positiveDuration("delivery-timeout", DEFAULTS.deliveryTimeout()));
        if (s.maxBackoff().compareTo(s.initialBackoff()) < 0) {
            throw new ConfigError("[" + section.path() + "] max-backoff (" + s.maxBackoff() + ") is shorter than initial-backoff ("
                    + s.initialBackoff() + ")");
        }
        return s;
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
