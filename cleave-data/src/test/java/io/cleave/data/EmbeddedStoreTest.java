package io.cleave.data;

import io.cleave.spi.testing.ProviderRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.spi.ConfigSection.ConfigError;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreTest {

    @TempDir
    Path dataDir;

    private final StoreProvider provider = new StoreProvider();
    private ProviderRequest request;

    @AfterEach
    void closeStores() throws Exception {
        if (request != null) {
            request.stop();
        }
    }

    private Store open(String component, Map<String, Map<String, Object>> config) throws Exception {
        request = new ProviderRequest(component, Store.class, "store", config, dataDir);
        return (Store) provider.provide(request).orElseThrow();
    }

    @Test
    void answersNothingForOtherTypes() throws Exception {
        ProviderRequest other = new ProviderRequest("Catalog", String.class, "store", Map.of(), dataDir);

        Optional<?> supplied = provider.provide(other);

        assertThat(supplied).isEmpty();
        assertThat(other.toClose()).isEmpty();
    }

    @Test
    void migratesFromTheComponentsDirectoryIntoFilesUnderTheDataDirectory() throws Exception {
        Store store = open("Catalog", Map.of());

        String name = store.read(c -> single(c, "select name from item where id = 'c-1'"));

        assertThat(name).isEqualTo("catalog item");
        assertThat(dataDir.resolve("catalog/store.mv.db")).isRegularFile();
    }

    @Test
    void runsEachMigrationOnceAcrossRestarts() throws Exception {
        open("Catalog", Map.of());
        request.stop();

        Store reopened = open("Catalog", Map.of());

        assertThat(query(reopened, "select count(*) from item")).isEqualTo("1");
        assertThat(query(reopened, "select count(*) from \"flyway_schema_history\" where \"success\" and \"type\" = 'SQL'"))
                .isEqualTo("2");
    }

    @Test
    void commitsWhatTheTransactionWrote() throws Exception {
        Store store = open("Catalog", Map.of());

        int inserted = store.transaction(c -> insert(c, "c-2", "lamp"));

        assertThat(inserted).isEqualTo(1);
        assertThat(query(store, "select name from item where id = 'c-2'")).isEqualTo("lamp");
    }

    @Test
    void rollsBackAndRethrowsWhenTheWorkThrows() throws Exception {
        Store store = open("Catalog", Map.of());
        IllegalStateException failure = new IllegalStateException("payment declined");

        assertThatThrownBy(() -> store.run(c -> {
            insert(c, "c-3", "chair");
            throw failure;
        })).isSameAs(failure);

        assertThat(query(store, "select count(*) from item where id = 'c-3'")).isEqualTo("0");
    }

    @Test
    void passesTheWorksCheckedExceptionThroughUnwrapped() throws Exception {
        Store store = open("Catalog", Map.of());

        assertThatThrownBy(() -> store.transaction(c -> {
            insert(c, "c-4", "desk");
            throw new OutOfStock();
        })).isInstanceOf(OutOfStock.class);

        assertThat(query(store, "select count(*) from item where id = 'c-4'")).isEqualTo("0");
    }

    @Test
    void wrapsSqlFailuresWithTheirSqlStateAndRollsBack() throws Exception {
        Store store = open("Catalog", Map.of());

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
    void aFailedMigrationNamesTheComponentAndTheScript() {
        assertThatThrownBy(() -> open("Broken", Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("component Broken")
                .hasMessageContaining("db/broken/V2__select_missing_table.sql")
                .hasMessageContaining("no_such_table");
    }

    @Test
    void rejectsAnUnknownKeyInTheSharedSection() {
        assertThatThrownBy(() -> open("Catalog", Map.of("data", Map.of("uri", "jdbc:h2:mem:x"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data]")
                .hasMessageContaining("\"uri\"");
    }

    @Test
    void rejectsAnUnknownKeyInTheComponentsSection() {
        assertThatThrownBy(() -> open("Catalog", Map.of("Catalog.data", Map.of("poolsize", 3))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[Catalog.data]")
                .hasMessageContaining("\"poolsize\"");
    }

    @Test
    void rejectsAUrlOfAnUnsupportedDatabaseNamingTheSectionAndComponent() {
        assertThatThrownBy(() -> open("Catalog", Map.of("Catalog.data", Map.of("url", "mysql://localhost/shop"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[Catalog.data] url = \"mysql://localhost/shop\"")
                .hasMessageContaining("component Catalog")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void rejectsAPoolSizeOutOfRange() {
        assertThatThrownBy(() -> open("Catalog", Map.of("data", Map.of("pool-size", 0))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] pool-size = 0")
                .hasMessageContaining("1 to 1000");
    }

    @Test
    void anUnreachableDatabaseNamesTheComponentAndWhereTheUrlCameFrom() {
        String url = "jdbc:postgresql://127.0.0.1:1/shop";

        assertThatThrownBy(() -> open("Catalog", Map.of("data", Map.of("url", url, "user", "shop", "password", "s3cret"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("component Catalog: cannot open its store at " + url)
                .hasMessageContaining("[data] url")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aComponentSectionOverridesTheSharedOneKeyByKey() throws Exception {
        Path elsewhere = Files.createDirectories(dataDir.resolve("elsewhere"));
        String url = "jdbc:h2:file:" + elsewhere.resolve("shared") + StoreSettings.EMBEDDED_OPTIONS;

        Store store = open("Catalog", Map.of("data", Map.of("url", "jdbc:h2:mem:unused", "pool-size", 2),
                "Catalog.data", Map.of("url", url)));

        assertThat(store.<String, RuntimeException>read(c -> c.getMetaData().getURL())).startsWith("jdbc:h2:file:" + elsewhere);
        assertThat(store.<String, RuntimeException>read(Connection::getSchema)).isEqualTo("catalog");
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
