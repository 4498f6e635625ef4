package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages kept at the edge for an hour, dropped when what they show changes: the services
 * configuration with the gateway's edge cache on the product pages ({@code cache-ttl = "1h"},
 * {@code [Storefront] edge-max-age = "1h"}), the caches and the gateway on the local Redis, and
 * {@code [cache.edge-purge]} naming Catalog's product cache (and Inventory's stock, as
 * {@code cleave-services.toml} shows). A price change invalidates that
 * cache's key in Catalog (on {@code ProductChanged}), which tells the gateway through Redis to drop
 * that product's page, and no other.
 */
class EdgePurgeTest {

    private static final String EDGE = """

            [gateway.routes."/api/products"]
            cache-ttl = "1h"
            cache-with-cookies = true

            [cache.edge-purge]
            "Catalog.cachedProducts" = "/api/products/{key}"
            "Inventory.stock" = "/api/products/{key}"
            """;

    @TempDir
    static Path directory;
    private static EdgeShop shop;

    @BeforeAll
    static void start() throws Exception {
        shop = EdgeShop.start(directory, EDGE, Map.of(
                "Storefront.edge-max-age", "\"1h\"",
                "cache.redis-url", "\"redis://127.0.0.1:6379\"",
                "cache.key-prefix", "\"cleave-test:" + UUID.randomUUID() + ":\"",
                "gateway.redis-url", "\"redis://127.0.0.1:6379\""));
    }

    @AfterAll
    static void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void aPriceChangeDropsThatProductsPageAtTheEdgeAndNoOther() throws Exception {
        String admin = shop.client().signUp("admin@shop.example");
        String changed = "/api/products/SKU-00021";
        String other = "/api/products/SKU-00022";
        BigDecimal before = EdgeShop.price(get(changed));
        Await.until(Duration.ofSeconds(10), "both pages kept at the edge",
                () -> EdgeShop.hit(get(changed)) && EdgeShop.hit(get(other)));
        BigDecimal after = before.add(new BigDecimal("3.25"));

        ShopClient.Reply reply = shop.client().call("PUT", "/api/admin/products/SKU-00021/price", admin,
                "{\"price\": " + after.toPlainString() + "}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        // kept for an hour unless purged: the event's delivery to Catalog and the purge take milliseconds
        Await.until(Duration.ofSeconds(15), "the new price through the edge",
                () -> EdgeShop.price(get(changed)).compareTo(after) == 0);
        assertThat(EdgeShop.hit(get(other))).as("the other product's page is still kept").isTrue();
    }

    private static HttpResponse<String> get(String path) {
        return shop.get(path, null);
    }
}
