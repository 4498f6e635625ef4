package io.cleave.resilience;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The policy of the calls to one component, or to one of its methods: {@code [resilience]}, then
 * {@code [resilience.<Component>]}, then {@code [resilience.<Component>.<method>]}, each overriding
 * the one before key by key. Breaker and bulkhead keys belong to a component (they guard the
 * edge from this process to it), not to a method.
 *
 * @param timeout the longest a call may take, all attempts together; empty for the caller's own
 *     deadline (else the transport's default)
 * @param retries extra attempts of a call that failed for want of the component, made only when
 *     that is safe: the method is {@code @Idempotent}, or the call certainly did not reach it
 * @param retryBudget retries at most this share of calls, counted per edge
 * @param retryBackoff the longest pause before the first retry (full jitter), doubled per retry
 * @param maxRetryBackoff the longest pause between retries
 * @param breaker whether calls to the component go through a circuit breaker
 * @param breakerFailureRate the share of failed calls, in percent, that opens it
 * @param breakerSlowCall how long a call may take before it counts as slow; empty: never slow
 * @param breakerSlowCallRate the share of slow calls, in percent, that opens it
 * @param breakerWindow how many recent calls it judges
 * @param breakerMinimumCalls how many calls it needs before it judges at all
 * @param breakerOpenFor how long it refuses calls once open, before it lets probes through
 * @param breakerHalfOpenCalls how many probe calls decide whether it closes again
 * @param bulkhead the most calls this process makes to the component at once; 0 for no limit
 */
record Policy(Optional<Duration> timeout, int retries, double retryBudget, Duration retryBackoff, Duration maxRetryBackoff,
        boolean breaker, int breakerFailureRate, Optional<Duration> breakerSlowCall, int breakerSlowCallRate, int breakerWindow,
        int breakerMinimumCalls, Duration breakerOpenFor, int breakerHalfOpenCalls, int bulkhead) {

    /** What a remote edge gets without any {@code [resilience]}. */
    static final Policy DEFAULTS = new Policy(Optional.empty(), 2, 0.2, Duration.ofMillis(10), Duration.ofMillis(500), true, 50,
            Optional.empty(), 100, 20, 10, Duration.ofSeconds(5), 3, 0);

    static final Set<String> METHOD_KEYS = Set.of("timeout", "retries");
    static final Set<String> EDGE_KEYS = Set.of("timeout", "retries", "retry-budget", "retry-backoff", "max-retry-backoff",
            "breaker", "breaker-failure-rate", "breaker-slow-call", "breaker-slow-call-rate", "breaker-window",
            "breaker-minimum-calls", "breaker-open-for", "breaker-half-open-calls", "bulkhead");

    /** This policy with the keys a section sets, checked. */
    Policy with(ConfigSection s) {
        Policy p = new Policy(
                s.has("timeout") ? Optional.of(positive(s, "timeout")) : timeout,
                s.has("retries") ? range(s, "retries", 0, 10) : retries,
                s.has("retry-budget") ? fraction(s, "retry-budget") : retryBudget,
                s.has("retry-backoff") ? positive(s, "retry-backoff") : retryBackoff,
                s.has("max-retry-backoff") ? positive(s, "max-retry-backoff") : maxRetryBackoff,
                s.has("breaker") ? s.bool("breaker") : breaker,
                s.has("breaker-failure-rate") ? range(s, "breaker-failure-rate", 1, 100) : breakerFailureRate,
                s.has("breaker-slow-call") ? Optional.of(positive(s, "breaker-slow-call")) : breakerSlowCall,
                s.has("breaker-slow-call-rate") ? range(s, "breaker-slow-call-rate", 1, 100) : breakerSlowCallRate,
                s.has("breaker-window") ? range(s, "breaker-window", 1, 10_000) : breakerWindow,
                s.has("breaker-minimum-calls") ? range(s, "breaker-minimum-calls", 1, 10_000) : breakerMinimumCalls,
                s.has("breaker-open-for") ? positive(s, "breaker-open-for") : breakerOpenFor,
                s.has("breaker-half-open-calls") ? range(s, "breaker-half-open-calls", 1, 1_000) : breakerHalfOpenCalls,
                s.has("bulkhead") ? range(s, "bulkhead", 0, 100_000) : bulkhead);
        if (p.maxRetryBackoff.compareTo(p.retryBackoff) < 0) {
            throw new ConfigError("[" + s.path() + "] max-retry-backoff (" + p.maxRetryBackoff + ") is shorter than"
                    + " retry-backoff (" + p.retryBackoff + ")");
        }
        if (p.breakerMinimumCalls > p.breakerWindow) {
            throw new ConfigError("[" + s.path() + "] breaker-minimum-calls (" + p.breakerMinimumCalls + ") is more than"
                    + " breaker-window (" + p.breakerWindow + "), so the breaker would never judge");
        }
        return p;
    }

    private static Duration positive(ConfigSection s, String key) {
        Duration d = s.duration(key);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigError("[" + s.path() + "] " + key + " = " + d + ": must be positive");
        }
        return d;
    }

    private static int range(ConfigSection s, String key, int min, int max) {
        int v = s.int32(key);
        if (v < min || v > max) {
            throw new ConfigError("[" + s.path() + "] " + key + " = " + v + ": must be " + min + " to " + max);
        }
        return v;
    }

    private static double fraction(ConfigSection s, String key) {
        double v = s.float64(key);
        if (!(v >= 0 && v <= 1)) {
            throw new ConfigError("[" + s.path() + "] " + key + " = " + v + ": must be 0 to 1 (a share of calls)");
        }
        return v;
    }

    /** How the policy reads in a status report. */
    String describe() {
        StringBuilder b = new StringBuilder();
        timeout.ifPresent(t -> b.append("timeout ").append(t.toMillis()).append("ms, "));
        b.append("retries ").append(retries).append(" (budget ").append(Math.round(retryBudget * 100)).append("%)");
        if (breaker) {
            b.append(", breaker ").append(breakerFailureRate).append("% of ").append(breakerWindow);
        }
        if (bulkhead > 0) {
            b.append(", bulkhead ").append(bulkhead);
        }
        return b.toString();
    }
}
