package io.cleave.data;

import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import static io.cleave.data.EmbeddedStoreTest.query;
import static io.cleave.data.EmbeddedStoreTest.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs against the PostgreSQL server named by {@code CLEAVE_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}, user {@code postgres}), in a database of
 * its own that it drops at the end. Skipped loudly when the server is unreachable, except with
 * {@code CI=true}, where that fails.
 */
class PostgresStoreTest {

    private static final String SERVER_URL = envOr("CLEAVE_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = envOr("CLEAVE_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = envOr("CLEAVE_TEST_POSTGRES_PASSWORD", "");
    private static final String DATABASE = "cleave_data_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static String url;

    @TempDir
    Path dataDir;

    private final StoreProvider provider = new StoreProvider();
    private final List<ProviderRequest> requests = new ArrayList<>();

    @BeforeAll
    static void createDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("create database " + DATABASE);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + SERVER_URL + " is unreachable (" + e.getMessage()
                    + "); set CLEAVE_TEST_POSTGRES_URL or start the server";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message, e);
            }
            System.err.println("*** SKIPPING PostgresStoreTest: " + message);
            Assumptions.abort(message);
        }
        url = withDatabase(SERVER_URL, DATABASE);
    }

    /** The roles of the components, made as the process that deploys an application makes them. */
    @BeforeEach
    void prepareRoles() throws Exception {
        new StoreProvider().prepare(new AppPreparation("shop", dataDir, config())
                .need("Catalog", Store.class).need("Inventory", Store.class));
    }

    private static Map<String, Map<String, Object>> config() {
        return Map.of("data", Map.of("url", url, "user", USER, "password", PASSWORD, "pool-size", 2));
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (url == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("drop database if exists " + DATABASE + " with (force)");
            List<String> roles = new ArrayList<>();
            try (var rs = s.executeQuery("select rolname from pg_roles where rolname like '" + DATABASE + "%'")) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
            for (String role : roles) {
                s.execute("drop role \"" + role + "\"");
            }
        }
    }

    @AfterEach
    void stopStores() throws Exception {
        for (ProviderRequest r : requests.reversed()) {
            r.stop();
        }
    }

    private Store open(String component) throws Exception {
        return open(component, config());
    }

    private Store open(String component, Map<String, Map<String, Object>> config) throws Exception {
        ProviderRequest request = new ProviderRequest(component, Store.class, "store", config, dataDir);
        requests.add(request);
        return (Store) provider.provide(request).orElseThrow();
    }

    @Test
    void givesEachComponentItsOwnSchemaOnTheSharedDatabase() throws Exception {
        Store catalog = open("Catalog");
        Store inventory = open("Inventory");

        String catalogItem = query(catalog, "select name from item");
        String inventoryItem = query(inventory, "select quantity from item");

        assertThat(catalogItem).isEqualTo("catalog item");
        assertThat(inventoryItem).isEqualTo("7");
        assertThat(query(catalog, "select current_schema()")).isEqualTo("catalog");
        assertThat(query(inventory, "select current_schema()")).isEqualTo("inventory");
    }

    @Test
    void everySessionEndsWhenItsProcessIsCutOffAndASessionOfItsOwnIsOutsideThePoolInTheSameSchemaAndRole() throws Exception {
        Store catalog = open("Catalog");
        String whereAmI = "select current_schema() || ' ' || current_user || ' ' || current_setting('is_superuser')";
        String silence = "select current_setting('tcp_user_timeout') || ' ' || current_setting('tcp_keepalives_idle')"
                + " || ' ' || current_setting('tcp_keepalives_interval') || ' ' || current_setting('tcp_keepalives_count')";

        String pooled = query(catalog, silence);
        String own;
        String where;
        try (Connection session = catalog.session()) {
            own = single(session, silence);
            where = single(session, whereAmI);
            single(session, "select pg_advisory_lock(4242)::text"); // a session lock: it goes when the session does
            assertThat(session.getAutoCommit()).isTrue();
            assertThat(session.getNetworkTimeout()).isEqualTo(PooledStore.SESSION_STATEMENT_SECONDS * 1000);
        }
        String pooledWhere = query(catalog, whereAmI);

        assertThat(pooled).as("tcp_user_timeout, keepalives idle, interval and count of a pooled session")
                .isEqualTo("10000 4 2 3");
        assertThat(own).isEqualTo(pooled);
        assertThat(where).as("schema, role").isEqualTo(pooledWhere).startsWith("catalog ");
        // waits on the server, at most 10 s, for the closed session's backend to end and release the lock
        String lockedAfterClose = catalog.transaction(c -> {
            single(c, "select set_config('lock_timeout', '10s', true)");
            return single(c, "select 'locked' from (select pg_advisory_xact_lock(4242)) as l"); // or 55P03 after 10 s
        });
        assertThat(lockedAfterClose).as("the session ended when closed, its lock with it, not returned to a pool").isEqualTo("locked");
    }

    @Test
    void aComponentCannotSeeAnotherComponentsTablesUnqualified() throws Exception {
        open("Inventory");
        Store catalog = open("Catalog");

        assertThatThrownBy(() -> query(catalog, "select count(*) from stock_movement"))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.sqlState()).isEqualTo("42P01"));
    }

    @Test
    void aComponentCannotReadChangeOrDeleteAnotherComponentsTables() throws Exception {
        open("Inventory");
        Store catalog = open("Catalog");

        EmbeddedStoreTest.assertCannotReadChangeOrDeleteInventorysTables(catalog);
        assertThat(query(catalog, "select current_user")).isEqualTo(ComponentRoles.role(DATABASE, "catalog"));
    }

    @Test
    void aUserThatMayNotCreateRolesGetsTheSqlForADba() throws Exception {
        String user = DATABASE + "_app";
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("create role \"" + user + "\" login password 'app-password'");
            s.execute("grant create on database " + DATABASE + " to \"" + user + "\"");
        }
        AppPreparation app = new AppPreparation("shop", dataDir, Map.of("data", Map.of("url", url, "user", user,
                "password", "app-password"))).need("Payments", Store.class);

        assertThatThrownBy(() -> new StoreProvider().prepare(app))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("component Payments: [data] url user \"" + user + "\" may not create the component's role")
                .hasMessageContaining("ask a DBA to run: do $$ begin create role \"" + DATABASE + "_payments\" nologin;")
                .hasMessageContaining("[data] component-roles = false")
                .hasMessageNotContaining("app-password");
    }

    /** A Kubernetes pod prepares its own group's components, not every component of the application. */
    @Test
    void aProcessHostingSomeComponentsPreparesOnlyTheirRoles() throws Exception {
        new StoreProvider().prepare(new AppPreparation("shop", dataDir, config())
                .need("Payments", Store.class).need("Orders", Store.class).hosting("Payments"));

        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement s = c.createStatement();
                var rs = s.executeQuery("select rolname from pg_roles where rolname in ('" + ComponentRoles.role(DATABASE, "payments")
                        + "', '" + ComponentRoles.role(DATABASE, "orders") + "')")) {
            List<String> roles = new ArrayList<>();
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
            assertThat(roles).containsExactly(ComponentRoles.role(DATABASE, "payments"));
        }
    }

    @Test
    void runsEachMigrationOnceAcrossRestarts() throws Exception {
        Store first = open("Catalog");
        first.run(c -> EmbeddedStoreTest.insert(c, "pg-1", "kept"));
        stopStores();
        requests.clear();

        Store reopened = open("Catalog");

        assertThat(query(reopened, "select count(*) from item")).isEqualTo("2");
        assertThat(query(reopened, "select count(*) from flyway_schema_history where success and type = 'SQL'"))
                .isEqualTo("2");
    }

    @Test
    void rollsBackWhenTheWorkThrows() throws Exception {
        Store catalog = open("Catalog");

        assertThatThrownBy(() -> catalog.run(c -> {
            EmbeddedStoreTest.insert(c, "pg-2", "never");
            throw new IllegalStateException("changed my mind");
        })).hasMessage("changed my mind");

        assertThat(query(catalog, "select count(*) from item where id = 'pg-2'")).isEqualTo("0");
    }

    @Test
    void readOnlyWorkCannotWrite() throws Exception {
        Store catalog = open("Catalog");

        assertThatThrownBy(() -> catalog.read(c -> EmbeddedStoreTest.insert(c, "pg-3", "nope")))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
    }

    @Test
    void aMissingDatabaseNamesTheComponentAndTheKey() {
        String missing = withDatabase(SERVER_URL, DATABASE + "_missing");

        assertThatThrownBy(() -> open("Catalog", Map.of("Catalog.data", Map.of("url", missing, "user", USER))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("component Catalog: cannot open its store at " + missing)
                .hasMessageContaining("[Catalog.data] url")
                .hasMessageContaining("does not exist");
    }

    private static String withDatabase(String serverUrl, String database) {
        int query = serverUrl.indexOf('?');
        String base = query < 0 ? serverUrl : serverUrl.substring(0, query);
        String params = query < 0 ? "" : serverUrl.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
    }
}
