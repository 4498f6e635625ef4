package io.cleave.shop.users;

import java.time.Duration;

/**
 * Settings of {@link Users}, from the {@code [Users]} section of {@code cleave.toml}.
 *
 * @param passwordIterations PBKDF2 iterations for new password hashes; existing hashes keep
 *     the count they were made with (OWASP recommends 600,000 for HMAC-SHA256)
 * @param sessionTtl how long a session lasts after log-in
 * @param loginAttemptsPerAccount failed log-ins one account may have within the window before
 *     further attempts are refused with {@code 429}
 * @param loginAttemptsPerAddress failed log-ins (to any accounts) one client address may have
 *     within the window
 * @param loginWindow how far back failed log-ins count
 */
public record UsersConfig(int passwordIterations, Duration sessionTtl, int loginAttemptsPerAccount,
        int loginAttemptsPerAddress, Duration loginWindow) {

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
        if (loginAttemptsPerAccount < 1) {
            throw new IllegalArgumentException("Users.login-attempts-per-account must be at least 1, got "
                    + loginAttemptsPerAccount);
        }
        if (loginAttemptsPerAddress < 1) {
            throw new IllegalArgumentException("Users.login-attempts-per-address must be at least 1, got "
                    + loginAttemptsPerAddress);
        }
        if (loginWindow.isNegative() || loginWindow.isZero()) {
            throw new IllegalArgumentException("Users.login-window must be positive, got " + loginWindow);
        }
    }

    /**
     * The settings for keys the section leaves out: 600,000 iterations, seven-day sessions, and
     * 5 failed log-ins per account and 50 per client address within 15 minutes.
     *
     * @return the defaults
     */
    public static UsersConfig defaults() {
        return new UsersConfig(600_000, Duration.ofDays(7), 5, 50, Duration.ofMinutes(15));
    }
}
