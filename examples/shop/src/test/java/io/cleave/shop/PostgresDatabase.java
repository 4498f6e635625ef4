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
 * A fresh PostgreSQL database, created on the server named by {@code CLEAVE_TEST_POSTGRES_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code postgres}) and dropped
 * when closed.
 */
final class PostgresDatabase implements AutoCloseable {

    private static final String ADMIN_URL = env("CLEAVE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = env("CLEAVE_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = env("CLEAVE_TEST_POSTGRES_PASSWORD", "");

    private final String name;
    private final String url;

    private PostgresDatabase(String name, String url) {
        this.name = name;
        this.url = url;
    }

    /**
     * Skips the calling test class with a loud message when the server cannot be reached, except
     * under {@code CI=true}, where that fails it.
     */
    static void requireServer() {
        try (Connection c = admin()) {
            c.isValid(5);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + ADMIN_URL + " is unreachable (" + e.getMessage() + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI=true requires it", e);
            }
            System.err.println("!!! SKIPPING PostgreSQL tests: " + message
                    + ". Start PostgreSQL or set CLEAVE_TEST_POSTGRES_URL.");
            Assumptions.abort(message);
        }
    }

    /** Creates an empty database named after {@code purpose} and a random suffix. */
    static PostgresDatabase create(String purpose) throws SQLException {
        String name = ("shop_test_" + purpose.replaceAll("[^A-Za-z0-9]", "_") + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        int slash = ADMIN_URL.indexOf('/', "jdbc:postgresql://".length());
        int query = ADMIN_URL.indexOf('?', slash);
        return new PostgresDatabase(name, ADMIN_URL.substring(0, slash + 1) + name + (query < 0 ? "" : ADMIN_URL.substring(query)));
    }

    /** Settings pointing every component's store at this database, each in its own schema. */
    Map<String, String> settings() {
        return Map.of("data.url", "\"" + url + "\"", "data.user", "\"" + USER + "\"", "data.password", "\"" + PASSWORD + "\"");
    }

    /** A connection to this database as the administrator, who reads every component's schema. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, USER, PASSWORD);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
            // the components' roles (cleave-data makes one per component, named after the database)
            java.util.List<String> roles = new java.util.ArrayList<>();
            try (var rs = s.executeQuery("select rolname from pg_roles where rolname like '" + name + "\\_%'")) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
            for (String role : roles) {
                s.execute("drop role \"" + role + "\"");
            }
        }
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
