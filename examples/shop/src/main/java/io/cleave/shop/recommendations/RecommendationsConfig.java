package io.cleave.shop.recommendations;

/**
 * Settings of {@link Recommendations}, from the {@code [Recommendations]} section of
 * {@code cleave.toml}.
 *
 * @param failureRate a fault-injection knob for demonstrations and tests: the share of
 *     {@link Recommendations#boughtTogether} calls that fail as if the component were down, 0 to 1
 */
public record RecommendationsConfig(double failureRate) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the rate is outside 0 to 1
     */
    public RecommendationsConfig {
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("Recommendations.failure-rate must be 0 to 1, got " + failureRate);
        }
    }

    /**
     * The settings for keys the section leaves out: no injected faults.
     *
     * @return the defaults
     */
    public static RecommendationsConfig defaults() {
        return new RecommendationsConfig(0.0);
    }
}
