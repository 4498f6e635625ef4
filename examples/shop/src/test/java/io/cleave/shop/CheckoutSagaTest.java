package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.inventory.Inventory;
import io.cleave.shop.inventory.Item;
import io.cleave.shop.inventory.OutOfStockException;
import io.cleave.shop.payments.ChargeStatus;
import io.cleave.shop.payments.Payments;
import io.cleave.shop.storefront.Storefront;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The checkout saga's compensations and its idempotency, over HTTP, in every topology. */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, shared = true)
class CheckoutSagaTest {

    @TopologyTest
    void declinedPaymentReleasesTheReservedStock(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("declined-" + UUID.randomUUID() + "@example.com");
        JsonNode product = shop.findInStock("copper", 1);
        String id = product.get("id").asText();
        shop.addToCart(token, id, 1);
        String orderId = UUID.randomUUID().toString();

        ShopClient.Reply placed = shop.placeOrder(token, orderId, "4000 0000 0000 0002");

        assertThat(placed.status()).isEqualTo(402);
        assertThat(placed.error()).isEqualTo("payment declined: card declined");
        assertThat(available(shop, id)).isEqualTo(product.get("available").asInt());
        assertThat(shop.get("/api/orders/" + orderId, token).json().get("status").asText()).isEqualTo("FAILED");
        assertThat(shop.get("/api/cart", token).json().get("itemCount").asInt()).isEqualTo(1);
    }

    @TopologyTest
    void retriedCheckoutWithTheSameOrderIdChargesOnce(Storefront storefront, Payments payments) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("retry-" + UUID.randomUUID() + "@example.com");
        UUID userId = UUID.fromString(shop.get("/api/me", token).json().get("id").asText());
        JsonNode product = shop.findInStock("linen", 1);
        String id = product.get("id").asText();
        shop.addToCart(token, id, 1);
        String orderId = UUID.randomUUID().toString();

        ShopClient.Reply first = shop.placeOrder(token, orderId, "4242 4242 4242 4242");
        ShopClient.Reply retry = shop.placeOrder(token, orderId, "4242 4242 4242 4242");

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json()).isEqualTo(first.json());
        assertThat(payments.charges(userId))
                .singleElement().satisfies(charge -> assertThat(charge.status()).isEqualTo(ChargeStatus.APPROVED));
        assertThat(available(shop, id)).isEqualTo(product.get("available").asInt() - 1);
    }

    @TopologyTest
    void outOfStockOrderChargesNothing(Storefront storefront, Payments payments) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("short-" + UUID.randomUUID() + "@example.com");
        UUID userId = UUID.fromString(shop.get("/api/me", token).json().get("id").asText());
        JsonNode product = shop.findInStock("steel", 1);
        String id = product.get("id").asText();
        int available = product.get("available").asInt();
        shop.addToCart(token, id, Math.min(99, available + 1));

        ShopClient.Reply placed = shop.placeOrder(token, UUID.randomUUID().toString(), "4242 4242 4242 4242");

        assertThat(placed.status()).isEqualTo(409);
        assertThat(placed.error()).contains(id);
        assertThat(payments.charges(userId)).isEmpty();
        assertThat(available(shop, id)).isEqualTo(available);
    }

    @TopologyTest
    void emptyCartCannotBeCheckedOut(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("empty-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply placed = shop.placeOrder(token, UUID.randomUUID().toString(), "4242 4242 4242 4242");

        assertThat(placed.status()).isEqualTo(400);
        assertThat(placed.error()).isEqualTo("the cart is empty");
    }

    @TopologyTest
    void theStockShownFollowsEveryChangeTheMomentItsCallReturns(Inventory inventory) throws Exception {
        String sku = "SKU-CACHE-" + UUID.randomUUID().toString().substring(0, 8);
        String added = sku + "-ADDED";
        inventory.setStock(sku, 10);
        assertThat(inventory.available(List.of(sku, added))).as("read, and cached")
                .containsExactly(Map.entry(sku, 10), Map.entry(added, 0));
        UUID order = UUID.randomUUID();

        inventory.reserve(order, List.of(new Item(sku, 3)));
        assertThat(inventory.available(List.of(sku))).as("after a reservation").containsEntry(sku, 7);
        inventory.commit(order);
        assertThat(inventory.available(List.of(sku))).as("after its commit").containsEntry(sku, 7);
        inventory.release(order);
        assertThat(inventory.available(List.of(sku))).as("after the order was returned").containsEntry(sku, 10);
        inventory.setStock(sku, 4);
        assertThat(inventory.available(List.of(sku, sku))).as("after a stock count").containsExactly(Map.entry(sku, 4));
        inventory.setStock(added, 2);
        assertThat(inventory.available(List.of(added))).as("a product added after it was asked for").containsEntry(added, 2);
    }

    @TopologyTest
    void idsNoProductCanHaveAreNoneAvailableAndCannotBeStocked(Inventory inventory) {
        String tooLong = "S".repeat(201);

        assertThat(inventory.available(List.of("", tooLong))).containsExactly(Map.entry("", 0), Map.entry(tooLong, 0));
        assertThatThrownBy(() -> inventory.setStock(tooLong, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessage("a product id must be 1 to 200 characters, got 201 characters");
        assertThatThrownBy(() -> inventory.setStock("", 1)).isInstanceOf(InvalidInputException.class)
                .hasMessage("a product id must be 1 to 200 characters, got an empty one");
        assertThatThrownBy(() -> inventory.reserve(UUID.randomUUID(), List.of(new Item(tooLong, 1))))
                .isInstanceOf(OutOfStockException.class);
    }

    private static int available(ShopClient shop, String productId) {
        return shop.get("/api/products/" + productId, null).json().get("product").get("available").asInt();
    }
}
