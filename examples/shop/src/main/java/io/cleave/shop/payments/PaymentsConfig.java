package io.cleave.shop.payments;

import java.time.Duration;

/**
 * Settings of the simulated provider, from the {@code [Payments]} section of {@code cleave.toml}.
 *
 * @param latency how long each new charge takes, as a call to a real provider would
 * @param failureRate the share of charges with good cards that are declined, 0 to 1
 * @param seed makes the declines reproducible: the same seed declines the same order ids
 */
public record PaymentsConfig(Duration latency, double failureRate, long seed) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the latency is negative or the rate outside 0 to 1
     */
    public PaymentsConfig {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("Payments.latency must not be negative, got " + latency);
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("Payments.failure-rate must be 0 to 1, got " + failureRate);
        }
    }

    /**
     * The settings for keys the section leaves out: 50 ms latency, no random declines, seed 42.
     *
     * @return the defaults
     */
    public static PaymentsConfig defaults() {
        return new PaymentsConfig(Duration.ofMillis(50), 0.0, 42L);
    }
}
