package io.cleave.shop.users;

import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** {@link Users} on its own store: tables {@code account} and {@code user_session}. */
final class UsersImpl implements Users {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final String UNIQUE_VIOLATION = "23505";

    private final Store store;
    private final UsersConfig config;
    private final LoginThrottle accountAttempts;
    private final LoginThrottle addressAttempts;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /**
     * Checked against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
     * password. Made in the background: at 600,000 iterations it takes seconds on a busy machine,
     * which a restarting replica should not spend before it serves.
     */
    private final CompletableFuture<String> decoyHash;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param config its settings
     * @param clock the time source for session expiry
     */
    public UsersImpl(Store store, UsersConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.accountAttempts = new LoginThrottle(config.loginAttemptsPerAccount(), config.loginWindow(), clock);
        this.addressAttempts = new LoginThrottle(config.loginAttemptsPerAddress(), config.loginWindow(), clock);
        this.clock = clock;
        this.decoyHash = CompletableFuture.supplyAsync(() -> PasswordHash.create("decoy password", config.passwordIterations(), random),
                task -> Thread.ofVirtual().name("users-decoy-hash").start(task));
    }

    @Override
    public Session signUp(String email, String password, String name) throws InvalidInputException, EmailTakenException {
        String normalized = email.strip().toLowerCase(Locale.ROOT);
        if (normalized.length() > 254 || !EMAIL.matcher(normalized).matches()) {
            throw new InvalidInputException("email \"" + email + "\" is not an e-mail address");
        }
        if (password.length() < 8 || password.length() > 200) {
            throw new InvalidInputException("password must be 8 to 200 characters, got " + password.length());
        }
        String displayName = name.strip();
        if (displayName.isEmpty() || displayName.length() > 100) {
            throw new InvalidInputException("name must be 1 to 100 characters, got " + displayName.length());
        }
        User user = new User(UUID.randomUUID(), normalized, displayName);
        String hash = PasswordHash.create(password, config.passwordIterations(), random);
        try {
            return store.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into account (id, email, name, password_hash, created_at) values (?, ?, ?, ?, ?)")) {
                    ps.setObject(1, user.id());
                    ps.setString(2, user.email());
                    ps.setString(3, user.name());
                    ps.setString(4, hash);
                    ps.setObject(5, timestamp(clock.instant()));
                    ps.executeUpdate();
                }
                return openSession(c, user);
            });
        } catch (StoreException e) {
            if (UNIQUE_VIOLATION.equals(e.sqlState())) {
                throw new EmailTakenException("an account with email \"" + normalized + "\" already exists");
            }
            throw e;
        }
    }

    @Override
    public Session logIn(String email, String password, String clientAddress)
            throws InvalidCredentialsException, LoginThrottledException {
        String normalized = email.strip().toLowerCase(Locale.ROOT);
        long accountWait = accountAttempts.waitSeconds(normalized);
        if (accountWait > 0) {
            throw new LoginThrottledException("this account", accountWait);
        }
        long addressWait = clientAddress.isEmpty() ? 0 : addressAttempts.waitSeconds(clientAddress);
        if (addressWait > 0) {
            throw new LoginThrottledException("this address", addressWait);
        }
        record Account(User user, String hash) {
        }
        Optional<Account> account = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, name, password_hash from account where email = ?")) {
                ps.setString(1, normalized);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Account(new User(rs.getObject(1, UUID.class), normalized, rs.getString(2)), rs.getString(3)))
                            : Optional.<Account>empty();
                }
            }
        });
        boolean matches = PasswordHash.matches(password, account.map(Account::hash).orElseGet(decoyHash::join));
        if (account.isEmpty() || !matches) {
            accountAttempts.failed(normalized);
            if (!clientAddress.isEmpty()) {
                addressAttempts.failed(clientAddress);
            }
            throw new InvalidCredentialsException("wrong email or password");
        }
        accountAttempts.succeeded(normalized);
        User user = account.get().user();
        return store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from user_session where account_id = ? and expires_at <= ?")) {
                ps.setObject(1, user.id());
                ps.setObject(2, timestamp(clock.instant()));
                ps.executeUpdate();
            }
            return openSession(c, user);
        });
    }

    @Override
    public void logOut(String token) {
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from user_session where token_digest = ?")) {
                ps.setString(1, PasswordHash.tokenDigest(token));
                ps.executeUpdate();
            }
        });
    }

    @Override
    public User authenticate(String token) throws SessionExpiredException {
        Instant now = clock.instant();
        Optional<User> user = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    select a.id, a.email, a.name from user_session s join account a on a.id = s.account_id
                    where s.token_digest = ? and s.expires_at > ?""")) {
                ps.setString(1, PasswordHash.tokenDigest(token));
                ps.setObject(2, timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                            : Optional.<User>empty();
                }
            }
        });
        return user.orElseThrow(() -> new SessionExpiredException("session expired or unknown; log in again"));
    }

    private Session openSession(Connection c, User user) throws SQLException {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant expiresAt = clock.instant().plus(config.sessionTtl());
        try (PreparedStatement ps = c.prepareStatement(
                "insert into user_session (token_digest, account_id, expires_at) values (?, ?, ?)")) {
            ps.setString(1, PasswordHash.tokenDigest(token));
            ps.setObject(2, user.id());
            ps.setObject(3, timestamp(expiresAt));
            ps.executeUpdate();
        }
        return new Session(token, user, expiresAt);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
