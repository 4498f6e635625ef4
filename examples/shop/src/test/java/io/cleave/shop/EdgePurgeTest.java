package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.Cleave;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
    private static App shop;
    private static ShopClient client;

    @BeforeAll
    static void start() throws Exception {
        Path config = directory.resolve("edge-purge.toml");
        Files.writeString(config, Files.readString(Path.of(ShopSettings.CONFIG)) + EDGE);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Cleave.Builder builder = Cleave.app().config(config).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("data") + "\"")
                .set("listeners.web", "127.0.0.1:" + port)
                .set("Storefront.edge-max-age", "\"1h\"")
                .set("cache.redis-url", "\"redis://127.0.0.1:6379\"")
                .set("cache.key-prefix", "\"cleave-test:" + UUID.randomUUID() + ":\"")
                .set("gateway.redis-url", "\"redis://127.0.0.1:6379\"");
        ShopSettings.FAST.forEach((key, value) -> {
            if (!key.startsWith("listeners.")) {
                builder.set(key, value);
            }
        });
        shop = builder.start();
        client = new ShopClient(URI.create("http://127.0.0.1:" + port));
    }

    @AfterAll
    static void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void aPriceChangeDropsThatProductsPageAtTheEdgeAndNoOther() throws Exception {
        String admin = client.signUp("admin@shop.example");
        String changed = "/api/products/SKU-00021";
        String other = "/api/products/SKU-00022";
        BigDecimal before = price(get(changed));
        SplitShop.await("both pages kept at the edge", Duration.ofSeconds(10),
                () -> hit(get(changed)) && hit(get(other)));
        BigDecimal after = before.add(new BigDecimal("3.25"));

        ShopClient.Reply reply = client.call("PUT", "/api/admin/products/SKU-00021/price", admin,
                "{\"price\": " + after.toPlainString() + "}");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        // kept for an hour unless purged: the event's delivery to Catalog and the purge take milliseconds
        SplitShop.await("the new price through the edge", Duration.ofSeconds(15),
                () -> price(get(changed)).compareTo(after) == 0);
        assertThat(hit(get(other))).as("the other product's page is still kept").isTrue();
    }

    private static boolean hit(HttpResponse<String> page) {
        return "HIT".equals(page.headers().firstValue("x-cache").orElse(""));
    }

    private static BigDecimal price(HttpResponse<String> page) {
        try {
            JsonNode product = JSON.readTree(page.body()).get("product");
            return product.get("price").decimalValue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(client.base().resolve(path)).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
