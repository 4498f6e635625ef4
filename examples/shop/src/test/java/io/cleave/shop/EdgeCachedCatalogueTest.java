package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.Cleave;
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
 * The services configuration with the gateway's edge cache turned on for the catalogue, as
 * {@code cleave-services.toml}'s comment shows (the gateway in this process, in front of the
 * storefront): catalogue answers are kept for {@code [Storefront] edge-max-age} and say so, a
 * visitor's own answers never are, and an administrator's price change reaches the cached page.
 */
class EdgeCachedCatalogueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The routes {@code cleave-services.toml} shows commented out. */
    private static final String EDGE_ROUTES = """

            [gateway.routes."/api/products"]
            cache-ttl = "1s"
            cache-stale = "1s"
            cache-with-cookies = true
            [gateway.routes."/api/categories"]
            cache-ttl = "1s"
            cache-with-cookies = true
            """;

    @TempDir
    static Path directory;
    private static EdgeShop shop;
    private static ShopClient client;

    @BeforeAll
    static void start() throws Exception {
        shop = EdgeShop.start(directory, EDGE_ROUTES, Map.of());
        client = shop.client();
    }

    @AfterAll
    static void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    @Test
    void aProductPageIsKeptAtTheEdgeAndSaysForHowLong() throws Exception {
        HttpResponse<String> first = get("/api/products/SKU-00003", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("cache-control")).hasValue("public, max-age=0, s-maxage=1");
        assertThat(first.headers().firstValue("x-cache")).hasValueSatisfying(v -> assertThat(v).isIn("MISS", "HIT"));

        // within the second the first answer is kept, the next ones come from the gateway's memory
        Await.until(Duration.ofSeconds(10), "a product page answered from the edge",
                () -> "HIT".equals(get("/api/products/SKU-00003", null).headers().firstValue("x-cache").orElse("")));
        HttpResponse<String> listing = null;
        for (int i = 0; i < 50 && (listing == null || !"HIT".equals(listing.headers().firstValue("x-cache").orElse(""))); i++) {
            listing = get("/api/products?q=lamp&limit=5", null);
        }
        assertThat(listing.headers().firstValue("x-cache")).as("a listing, asked again").hasValue("HIT");
        assertThat(JSON.readTree(listing.body()).get("products").isArray()).isTrue();
    }

    @Test
    void aVisitorsOwnAnswersAreNeverKept() throws Exception {
        String token = client.signUp("edge-" + UUID.randomUUID() + "@example.com");

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> cart = get("/api/cart", token);
            assertThat(cart.statusCode()).isEqualTo(200);
            assertThat(cart.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(cart.headers().firstValue("x-cache")).as("not under a cached route").isEmpty();
        }
        // a signed-in visitor's product page (its sid cookie ignored, as the route says) is the same page
        HttpResponse<String> page = get("/api/products/SKU-00004", token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(page.body()).get("product").get("id").asText()).isEqualTo("SKU-00004");
    }

    @Test
    void anAdminsPriceChangeReachesTheCachedPageWithinTheEdgesBound() throws Exception {
        String admin = client.signUp("admin@shop.example");
        BigDecimal before = price(get("/api/products/SKU-00011", null));
        Await.until(Duration.ofSeconds(10), "the page kept at the edge",
                () -> "HIT".equals(get("/api/products/SKU-00011", null).headers().firstValue("x-cache").orElse("")));
        BigDecimal after = before.add(new BigDecimal("2.50"));

        ShopClient.Reply changed = client.call("PUT", "/api/admin/products/SKU-00011/price", admin,
                "{\"price\": " + after.toPlainString() + "}");

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        // edge-max-age (1 s) + cache-stale (1 s) + the event's delivery to Catalog: bounded well within 15 s
        Await.until(Duration.ofSeconds(15), "the new price through the edge",
                () -> price(get("/api/products/SKU-00011", null)).compareTo(after) == 0);
    }

    @Test
    void anEdgeLifetimeThatIsNoWholeNumberOfSecondsIsRefusedNamingTheKey() {
        Cleave.Builder builder = Cleave.app().config(Path.of(ShopSettings.CONFIG)).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("refused") + "\"")
                .set("Storefront.edge-max-age", "\"1500ms\"");
        EdgeShop.fast(builder);

        assertThatThrownBy(builder::start)
                .hasMessageContaining("Storefront.edge-max-age must be whole seconds from 0s to 1h")
                .hasMessageContaining("got 1.5s");
    }

    private static HttpResponse<String> get(String path, String token) {
        return shop.get(path, token);
    }

    private static BigDecimal price(HttpResponse<String> page) {
        return EdgeShop.price(page);
    }
}
