package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.payments.ChargeStatus;
import io.cleave.shop.payments.Payments;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The checkout saga's compensations and its idempotency, over HTTP. */
abstract class CheckoutSagaContract extends ShopTestBase {

    @Test
    void declinedPaymentReleasesTheReservedStock() {
        String token = shop.signUp("declined-" + UUID.randomUUID() + "@example.com");
        JsonNode product = CustomerJourneyContract.firstInStock(shop.get("/api/products?q=copper&limit=50", null).json().get("products"), 1);
        String id = product.get("id").asText();
        shop.post("/api/cart/items", token, "{\"productId\": \"" + id + "\", \"quantity\": 1}");
        String orderId = UUID.randomUUID().toString();

        RunningShop.Reply placed = shop.post("/api/orders", token,
                "{\"orderId\": \"" + orderId + "\", \"cardNumber\": \"4000 0000 0000 0002\"}");

        assertThat(placed.status()).isEqualTo(402);
        assertThat(placed.error()).isEqualTo("payment declined: card declined");
        assertThat(available(id)).isEqualTo(product.get("available").asInt());
        assertThat(shop.get("/api/orders/" + orderId, token).json().get("status").asText()).isEqualTo("FAILED");
        assertThat(shop.get("/api/cart", token).json().get("itemCount").asInt()).isEqualTo(1);
    }

    @Test
    void retriedCheckoutWithTheSameOrderIdChargesOnce() {
        String token = shop.signUp("retry-" + UUID.randomUUID() + "@example.com");
        UUID userId = UUID.fromString(shop.get("/api/me", token).json().get("id").asText());
        JsonNode product = CustomerJourneyContract.firstInStock(shop.get("/api/products?q=linen&limit=50", null).json().get("products"), 1);
        String id = product.get("id").asText();
        shop.post("/api/cart/items", token, "{\"productId\": \"" + id + "\", \"quantity\": 1}");
        String body = "{\"orderId\": \"" + UUID.randomUUID() + "\", \"cardNumber\": \"4242 4242 4242 4242\"}";

        RunningShop.Reply first = shop.post("/api/orders", token, body);
        RunningShop.Reply retry = shop.post("/api/orders", token, body);

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(shop.component(Payments.class).charges(userId))
                .singleElement().satisfies(charge -> assertThat(charge.status()).isEqualTo(ChargeStatus.APPROVED));
        assertThat(available(id)).isEqualTo(product.get("available").asInt() - 1);
    }

    @Test
    void outOfStockOrderChargesNothing() {
        String token = shop.signUp("short-" + UUID.randomUUID() + "@example.com");
        UUID userId = UUID.fromString(shop.get("/api/me", token).json().get("id").asText());
        JsonNode product = CustomerJourneyContract.firstInStock(shop.get("/api/products?q=steel&limit=50", null).json().get("products"), 1);
        String id = product.get("id").asText();
        int available = product.get("available").asInt();
        shop.post("/api/cart/items", token, "{\"productId\": \"" + id + "\", \"quantity\": " + Math.min(99, available + 1) + "}");

        RunningShop.Reply placed = shop.post("/api/orders", token,
                "{\"orderId\": \"" + UUID.randomUUID() + "\", \"cardNumber\": \"4242 4242 4242 4242\"}");

        assertThat(placed.status()).isEqualTo(409);
        assertThat(placed.error()).contains(id);
        assertThat(shop.component(Payments.class).charges(userId)).isEmpty();
        assertThat(available(id)).isEqualTo(available);
    }

    @Test
    void emptyCartCannotBeCheckedOut() {
        String token = shop.signUp("empty-" + UUID.randomUUID() + "@example.com");

        RunningShop.Reply placed = shop.post("/api/orders", token,
                "{\"orderId\": \"" + UUID.randomUUID() + "\", \"cardNumber\": \"4242 4242 4242 4242\"}");

        assertThat(placed.status()).isEqualTo(400);
        assertThat(placed.error()).isEqualTo("the cart is empty");
    }

    private int available(String productId) {
        return shop.get("/api/products/" + productId, null).json().get("product").get("available").asInt();
    }
}
