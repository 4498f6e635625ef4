package io.cleave.shop.users;

import java.time.Duration;

/**
 * Settings of {@link Users}, from the {@code [Users]} section of {@code cleave.toml}.
 *
 * @param passwordIterations PBKDF2 iterations for new password hashes; existing hashes keep
 *     the count they were made with (OWASP recommends 600,000 for HMAC-SHA256)
 * @param sessionTtl how long a session lasts after log-in
 */
public record UsersConfig(int passwordIterations, Duration sessionTtl) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the iteration count is below 1,000 or the time to
     *     live is negative
     */
    public UsersConfig {
        if (passwordIterations < 1_000) {
            throw new IllegalArgumentException("Users.password-iterations must be at least 1000, got " + passwordIterations);
        }
        if (sessionTtl.isNegative()) {
            throw new IllegalArgumentException("Users.session-ttl must not be negative, got " + sessionTtl);
        }
    }

    /**
     * The settings for keys the section leaves out: 600,000 iterations and seven-day sessions.
     *
     * @return the defaults
     */
    public static UsersConfig defaults() {
        return new UsersConfig(600_000, Duration.ofDays(7));
    }
}
