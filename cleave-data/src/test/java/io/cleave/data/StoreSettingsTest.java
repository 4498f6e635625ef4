package io.cleave.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Store;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [data]} settings: each mistake is named before anything starts. */
class StoreSettingsTest {

    @TempDir
    Path dataDir;

    private StoreSettings resolve(String component, Map<String, Map<String, Object>> config) {
        return StoreSettings.resolve(new ProviderRequest(component, Store.class, "store", config, dataDir));
    }

    @Test
    void withoutAUrlTheComponentUsesTheEmbeddedServerInTheDataDirectory() {
        StoreSettings settings = resolve("Catalog", Map.of());

        assertThat(settings.embedded()).isTrue();
        assertThat(settings.schema()).isEqualTo("catalog");
        assertThat(settings.urlSource()).isEqualTo("embedded PostgreSQL server in " + dataDir.toAbsolutePath().resolve("postgres"));
        assertThat(settings.poolSize()).isEqualTo(StoreSettings.DEFAULT_POOL_SIZE);
    }

    @Test
    void aComponentSectionOverridesTheSharedOneKeyByKey() {
        StoreSettings settings = resolve("Catalog", Map.of(
                "data", Map.of("url", "jdbc:postgresql://db:5432/shop", "user", "shop", "pool-size", 2),
                "Catalog.data", Map.of("url", "jdbc:postgresql://catalog-db:5432/catalog")));

        assertThat(settings.url()).contains("jdbc:postgresql://catalog-db:5432/catalog");
        assertThat(settings.urlSource()).isEqualTo("[Catalog.data] url");
        assertThat(settings.user()).isEqualTo("shop");
        assertThat(settings.poolSize()).isEqualTo(2);
    }

    @Test
    void rejectsAnUnknownKeyInTheSharedSection() {
        assertThatThrownBy(() -> resolve("Catalog", Map.of("data", Map.of("uri", "jdbc:postgresql://x/y"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data]")
                .hasMessageContaining("\"uri\"");
    }

    @Test
    void rejectsAnUnknownKeyInTheComponentsSection() {
        assertThatThrownBy(() -> resolve("Catalog", Map.of("Catalog.data", Map.of("poolsize", 3))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[Catalog.data]")
                .hasMessageContaining("\"poolsize\"");
    }

    @Test
    void rejectsTheOldSharedKeySayingWhy() {
        assertThatThrownBy(() -> resolve("Cart", Map.of("data", Map.of("shared", true))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] shared: no longer a setting")
                .hasMessageContaining("remove the key");
    }

    @Test
    void rejectsAnH2UrlSayingWhy() {
        assertThatThrownBy(() -> resolve("Catalog", Map.of("data", Map.of("url", "jdbc:h2:file:./data/catalog"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] url = \"jdbc:h2:file:./data/catalog\" for component Catalog")
                .hasMessageContaining("H2 is no longer supported")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void rejectsAUrlOfAnUnsupportedDatabaseNamingTheSectionAndComponent() {
        assertThatThrownBy(() -> resolve("Catalog", Map.of("Catalog.data", Map.of("url", "mysql://localhost/shop"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[Catalog.data] url = \"mysql://localhost/shop\"")
                .hasMessageContaining("component Catalog")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void rejectsCredentialsForTheEmbeddedServer() {
        assertThatThrownBy(() -> resolve("Catalog", Map.of("data", Map.of("user", "sa"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] user for component Catalog: only with [data] url");
    }

    @Test
    void componentRolesAreASettingOfAConfiguredServerOnly() {
        assertThat(resolve("Catalog", Map.of("data", Map.of("url", "jdbc:postgresql://db/shop"))).componentRoles()).isTrue();
        assertThat(resolve("Catalog", Map.of("data", Map.of("url", "jdbc:postgresql://db/shop", "component-roles", false)))
                .componentRoles()).isFalse();
        assertThatThrownBy(() -> resolve("Catalog", Map.of("data", Map.of("component-roles", false))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] component-roles for component Catalog: only with [data] url");
    }

    @Test
    void rejectsAPoolSizeOutOfRange() {
        assertThatThrownBy(() -> resolve("Catalog", Map.of("data", Map.of("pool-size", 0))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] pool-size = 0")
                .hasMessageContaining("1 to 1000");
    }

    @Test
    void aNetworkTimeoutIsFiveMinutesUnlessSetWithinOneSecondToADay() {
        assertThat(resolve("Catalog", Map.of()).networkTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(resolve("Catalog", Map.of("Catalog.data", Map.of("network-timeout", "PT30S"))).networkTimeout())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> resolve("Catalog", Map.of("data", Map.of("network-timeout", "PT0.5S"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[data] network-timeout = \"0.5s\" for component Catalog: must be 1s to 24h");
    }

    @Test
    void rejectsAComponentNameThatCannotNameItsSchema() {
        assertThatThrownBy(() -> resolve("Pg_Stats", Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("component Pg_Stats: its name cannot name a database schema");
        assertThatThrownBy(() -> resolve("Public", Map.of()))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("component Public");
    }

    @Test
    void preparingFindsAMistakeInAnyComponentsSectionBeforeStartingAServer() {
        AppPreparation app = new AppPreparation("shop", dataDir, Map.of("Cart.data", Map.of("pool-size", 5000)))
                .need("Catalog", Store.class).need("Cart", Store.class);

        assertThatThrownBy(() -> new StoreProvider().prepare(app))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("[Cart.data] pool-size = 5000");
        assertThat(dataDir.resolve("postgres")).doesNotExist();
    }

    @Test
    void theDatabaseIsNamedAfterTheApplicationWhenThatIsAPlainIdentifier() {
        assertThat(StoreProvider.databaseName("shop")).isEqualTo("shop");
        assertThat(StoreProvider.databaseName("my-bank")).isEqualTo("my_bank");
        assertThat(StoreProvider.databaseName("postgres")).isEqualTo("cleave");
        assertThat(StoreProvider.databaseName("9 lives")).isEqualTo("cleave");
    }
}
