package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.storefront.Storefront;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The journey every customer takes, over real HTTP: sign up, search, add to the cart, check
 * out, see the order and its confirmation. On the embedded databases here, in every topology;
 * {@link CustomerJourneyOnPostgresTest} runs the same on PostgreSQL.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, shared = true)
class CustomerJourneyTest {

    @TopologyTest
    void customerBuysWhatTheyFoundBySearching(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("journey-" + UUID.randomUUID() + "@example.com");

        JsonNode found = shop.get("/api/products?q=oak&limit=50", null).json();
        JsonNode product = ShopClient.firstInStock(found.get("products"), 2);
        int stockBefore = product.get("available").asInt();
        ShopClient.Reply cart = shop.addToCart(token, product.get("id").asText(), 2);
        String orderId = UUID.randomUUID().toString();
        ShopClient.Reply placed = shop.placeOrder(token, orderId, "4242 4242 4242 4242");

        assertThat(found.get("total").asInt()).isGreaterThan(0);
        assertThat(cart.status()).isEqualTo(200);
        assertThat(cart.json().get("itemCount").asInt()).isEqualTo(2);
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(placed.json().get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(placed.json().get("total").decimalValue())
                .isEqualByComparingTo(product.get("price").decimalValue().multiply(BigDecimal.TWO));
        assertThat(shop.get("/api/orders", token).json().findValuesAsText("id")).contains(orderId);
        assertThat(shop.get("/api/orders/" + orderId, token).json().get("status").asText()).isEqualTo("CONFIRMED");
        // the confirmation follows from the OrderConfirmed event, delivered after the checkout answered
        Await.until(Duration.ofSeconds(30), "the confirmation in the inbox",
                () -> shop.get("/api/notifications", token).json().size() > 0);
        assertThat(shop.get("/api/notifications", token).json().get(0).get("body").asText()).contains(orderId);
        assertThat(shop.get("/api/cart", token).json().get("itemCount").asInt()).isZero();
        assertThat(shop.get("/api/products/" + product.get("id").asText(), null).json()
                .get("product").get("available").asInt()).isEqualTo(stockBefore - 2);
    }

    @TopologyTest
    void productsOrderedTogetherAreRecommendedTogether(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("together-" + UUID.randomUUID() + "@example.com");
        List<String> pair = inStockIds(shop.get("/api/products?q=walnut&limit=50", null).json().get("products"), 2);
        for (String id : pair) {
            shop.addToCart(token, id, 1);
        }

        ShopClient.Reply placed = shop.placeOrder(token, UUID.randomUUID().toString(), "4242424242424242");
        // Recommendations learns from the OrderConfirmed event, delivered after the checkout answered
        Await.until(Duration.ofSeconds(30), "the pair recommended together", () -> shop.get("/api/products/" + pair.get(0), null)
                .json().get("boughtTogether").findValuesAsText("id").contains(pair.get(1)));
        JsonNode page = shop.get("/api/products/" + pair.get(0), null).json();

        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(page.get("recommendationsAvailable").asBoolean()).isTrue();
        assertThat(page.get("boughtTogether").findValuesAsText("id")).contains(pair.get(1));
    }

    @TopologyTest
    void customerLogsInAgainAndSeesTheSameAccount(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String email = "again-" + UUID.randomUUID() + "@example.com";
        String first = shop.signUp(email);

        ShopClient.Reply out = shop.call("DELETE", "/api/sessions/current", first, null);
        ShopClient.Reply afterLogOut = shop.get("/api/me", first);
        ShopClient.Reply in = shop.post("/api/sessions", null,
                "{\"email\": \"" + email.toUpperCase(Locale.ROOT) + "\", \"password\": \"correct horse battery\"}");
        ShopClient.Reply wrong = shop.post("/api/sessions", null,
                "{\"email\": \"" + email + "\", \"password\": \"not the password\"}");

        assertThat(out.status()).isEqualTo(204);
        assertThat(afterLogOut.status()).isEqualTo(401);
        assertThat(in.status()).as(in.body()).isEqualTo(200);
        assertThat(shop.get("/api/me", in.json().get("token").asText()).json().get("email").asText()).isEqualTo(email);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("wrong email or password");
    }

    private static List<String> inStockIds(JsonNode products, int count) {
        List<String> ids = new ArrayList<>();
        for (JsonNode product : products) {
            if (product.get("available").asInt() >= 1 && ids.size() < count) {
                ids.add(product.get("id").asText());
            }
        }
        assertThat(ids).hasSize(count);
        return ids;
    }
}
