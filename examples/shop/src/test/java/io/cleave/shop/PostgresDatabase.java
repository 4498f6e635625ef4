package io.cleave.shop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database for one test class, created on the server named by
 * {@code CLEAVE_TEST_POSTGRES_URL} (default {@code jdbc:postgresql://127.0.0.1:5432/postgres},
 * user {@code postgres}) and dropped afterwards. When the server cannot be reached the tests
 * are skipped with a loud message, except under {@code CI=true}, where they fail.
 */
final class PostgresDatabase implements AutoCloseable {

    private final String adminUrl;
    private final String user;
    private final String name;
    private final String url;

    private PostgresDatabase(String adminUrl, String user, String name, String url) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.name = name;
        this.url = url;
    }

    static PostgresDatabase create() {
        String adminUrl = env("CLEAVE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = env("CLEAVE_TEST_POSTGRES_USER", "postgres");
        String name = "shop_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(adminUrl, user, env("CLEAVE_TEST_POSTGRES_PASSWORD", ""));
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + adminUrl + " is unreachable (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI=true requires it", e);
            }
            System.err.println("!!! SKIPPING PostgreSQL tests: " + message
                    + ". Start PostgreSQL or set CLEAVE_TEST_POSTGRES_URL.");
            Assumptions.abort(message);
        }
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?', slash);
        String url = adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
        return new PostgresDatabase(adminUrl, user, name, url);
    }

    /** Settings pointing every component's store at this database. */
    Map<String, String> settings() {
        return Map.of("data.url", "\"" + url + "\"", "data.user", "\"" + user + "\"",
                "data.password", "\"" + env("CLEAVE_TEST_POSTGRES_PASSWORD", "") + "\"");
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(adminUrl, user, env("CLEAVE_TEST_POSTGRES_PASSWORD", ""));
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
