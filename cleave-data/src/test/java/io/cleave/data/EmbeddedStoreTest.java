package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores on the embedded PostgreSQL server, which the test prepares once for the class as the
 * process that deploys an application would.
 */
class EmbeddedStoreTest {

    @TempDir
    static Path dataDir;
    private static AutoCloseable server;

    private final StoreProvider provider = new StoreProvider();
    private final List<ProviderRequest> requests = new ArrayList<>();

    @BeforeAll
    static void prepareTheServer() throws Exception {
        server = new StoreProvider().prepare(new AppPreparation("shop", dataDir, Map.of())
                .need("Catalog", Store.class).need("Inventory", Store.class).need("Broken", Store.class));
    }

    @AfterAll
    static void stopTheServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closeStores() throws Exception {
        for (ProviderRequest r : requests.reversed()) {
            r.stop();
        }
        requests.clear();
    }

    private Store open(String component) throws Exception {
        ProviderRequest request = new ProviderRequest(component, Store.class, "store", Map.of(), dataDir);
        requests.add(request);
        return (Store) provider.provide(request).orElseThrow();
    }

    @Test
    void migratesFromTheComponentsDirectoryIntoItsOwnSchemaAsItsOwnRole() throws Exception {
        Store store = open("Catalog");

        assertThat(query(store, "select name from item where id = 'c-1'")).isEqualTo("catalog item");
        assertThat(query(store, "select current_schema()")).isEqualTo("catalog");
        assertThat(query(store, "select current_user")).isEqualTo("catalog");
        assertThat(query(store, "select current_database()")).isEqualTo("shop");
    }

    @Test
    void runsEachMigrationOnceAcrossRestarts() throws Exception {
        open("Catalog").run(c -> insert(c, "c-restart", "kept"));
        closeStores();

        Store reopened = open("Catalog");

        assertThat(query(reopened, "select name from item where id = 'c-restart'")).isEqualTo("kept");
        assertThat(query(reopened, "select count(*) from flyway_schema_history where success and type = 'SQL'"))
                .isEqualTo("2");
    }

    @Test
    void commitsWhatTheTransactionWrote() throws Exception {
        Store store = open("Catalog");

        int inserted = store.transaction(c -> insert(c, "c-2", "lamp"));

        assertThat(inserted).isEqualTo(1);
        assertThat(query(store, "select name from item where id = 'c-2'")).isEqualTo("lamp");
    }

    @Test
    void rollsBackAndRethrowsWhenTheWorkThrows() throws Exception {
        Store store = open("Catalog");
        IllegalStateException failure = new IllegalStateException("payment declined");

        assertThatThrownBy(() -> store.run(c -> {
            insert(c, "c-3", "chair");
            throw failure;
        })).isSameAs(failure);

        assertThat(query(store, "select count(*) from item where id = 'c-3'")).isEqualTo("0");
    }

    @Test
    void passesTheWorksCheckedExceptionThroughUnwrapped() throws Exception {
        Store store = open("Catalog");

        assertThatThrownBy(() -> store.transaction(c -> {
            insert(c, "c-4", "desk");
            throw new OutOfStock();
        })).isInstanceOf(OutOfStock.class);

        assertThat(query(store, "select count(*) from item where id = 'c-4'")).isEqualTo("0");
    }

    @Test
    void wrapsSqlFailuresWithTheirSqlStateAndRollsBack() throws Exception {
        Store store = open("Catalog");

        assertThatThrownBy(() -> store.run(c -> {
            insert(c, "c-5", "sofa");
            insert(c, "c-5", "duplicate");
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("23505");
            assertThat(e).hasMessageStartingWith("store of Catalog: ");
        });

        assertThat(query(store, "select count(*) from item where id = 'c-5'")).isEqualTo("0");
    }

    @Test
    void readOnlyWorkCannotWrite() throws Exception {
        Store store = open("Catalog");

        assertThatThrownBy(() -> store.read(c -> insert(c, "c-6", "nope")))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
    }

    @Test
    void aComponentCannotReadChangeOrDeleteAnotherComponentsTables() throws Exception {
        open("Inventory");
        Store catalog = open("Catalog");

        assertCannotReadChangeOrDeleteInventorysTables(catalog);
        assertThat(query(open("Inventory"), "select quantity from item where id = 'i-1'")).isEqualTo("7");
    }

    @Test
    void aFailedMigrationNamesTheComponentAndTheScript() {
        assertThatThrownBy(() -> open("Broken"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("component Broken")
                .hasMessageContaining("db/broken/V2__select_missing_table.sql")
                .hasMessageContaining("no_such_table");
    }

    @Test
    void aComponentTheServerWasNotPreparedForIsRefusedNamingIt() {
        assertThatThrownBy(() -> open("Orders"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("component Orders: has no role on the embedded PostgreSQL server");
    }

    @Test
    void keepsItsFilesReadableByTheOwnerOnly() throws Exception {
        Path root = dataDir.resolve("postgres");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("cleave.properties"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("cluster"))))
                .isEqualTo("rwx------");
    }

    @Test
    void aSecondApplicationCannotTakeTheSameDataDirectory() {
        AppPreparation second = new AppPreparation("shop", dataDir, Map.of()).need("Catalog", Store.class);

        assertThatThrownBy(() -> new StoreProvider().prepare(second))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("is in use by another running Cleave application (pid " + ProcessHandle.current().pid() + ")");
    }

    /** Every statement into Inventory's schema, from Catalog's store, is refused: permission denied. */
    static void assertCannotReadChangeOrDeleteInventorysTables(Store catalog) {
        for (String sql : List.of("select count(*) from inventory.stock_movement",
                "insert into inventory.item (id, quantity) values ('x', 1)",
                "delete from inventory.item",
                "create table inventory.intruder (id int)")) {
            assertThatThrownBy(() -> catalog.run(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.execute();
                }
            })).as(sql).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.sqlState()).isEqualTo("42501"));
        }
    }

    static String query(Store store, String sql) {
        return store.read(c -> single(c, sql));
    }

    static int insert(Connection c, String id, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into item (id, name) values (?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            return ps.executeUpdate();
        }
    }

    static String single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql);
            }
            return rs.getString(1);
        }
    }

    static final class OutOfStock extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
