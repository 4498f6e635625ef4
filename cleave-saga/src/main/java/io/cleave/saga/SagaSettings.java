package io.cleave.saga;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.time.Duration;
import java.util.Set;

/**
 * How sagas are run and recovered, from {@code [sagas]}; every key optional.
 *
 * @param recoveryInterval how often each process looks for sagas to resume and renews its leases
 * @param lease how long a process's claim on a saga lasts without renewal; a frozen process's
 *     sagas are taken over after it
 * @param stepTimeout the longest a single step, compensation or {@code then} step may take
 * @param initialBackoff the pause before the first retry of a failed step, doubled per retry
 * @param maxBackoff the longest pause between retries
 * @param inlineAttempts attempts of a step made in the caller's thread by {@code Saga.run}
 *     before the saga is left to recovery
 */
record SagaSettings(Duration recoveryInterval, Duration lease, Duration stepTimeout, Duration initialBackoff,
        Duration maxBackoff, int inlineAttempts) {

    static final SagaSettings DEFAULTS = new SagaSettings(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(10), 3);
    static final Set<String> KEYS = Set.of("recovery-interval", "lease", "step-timeout", "initial-backoff", "max-backoff",
            "inline-attempts");

    static SagaSettings read(ConfigSection section) {
        section.rejectUnknown(KEYS);
        SagaSettings s = new SagaSettings(
                section.positiveDuration("recovery-interval", DEFAULTS.recoveryInterval()),
                section.positiveDuration("lease", DEFAULTS.lease()),
                section.positiveDuration("step-timeout", DEFAULTS.stepTimeout()),
                section.positiveDuration("initial-backoff", DEFAULTS.initialBackoff()),
                section.positiveDuration("max-backoff", DEFAULTS.maxBackoff()),
                section.has("inline-attempts") ? section.int32("inline-attempts") : DEFAULTS.inlineAttempts());
        if (s.inlineAttempts() < 1 || s.inlineAttempts() > 100) {
            throw new ConfigError("[" + section.path() + "] inline-attempts = " + s.inlineAttempts() + ": must be 1 to 100");
        }
        if (s.maxBackoff().compareTo(s.initialBackoff()) < 0) {
            throw new ConfigError("[" + section.path() + "] max-backoff (" + s.maxBackoff() + ") is shorter than initial-backoff ("
                    + s.initialBackoff() + ")");
        }
        if (s.lease().compareTo(s.recoveryInterval().multipliedBy(3)) < 0) {
            throw new ConfigError("[" + section.path() + "] lease (" + s.lease() + ") must be at least three recovery"
                    + " intervals (" + s.recoveryInterval() + "), which renew it");
        }
        return s;
    }

    /** The pause before retry {@code attempt} (1 for the first): doubled each time, capped, with jitter. */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + java.util.concurrent.ThreadLocalRandom.current().nextLong(half + 1));
    }
}
