package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A cart lives in the Cart component's own store, so it survives a restart of the shop. */
class CartPersistenceTest {

    @Test
    void cartAndSessionSurviveARestart() {
        RunningShop first = RunningShop.start(Topology.SINGLE, Map.of());
        String token = first.signUp("restart-" + UUID.randomUUID() + "@example.com");
        first.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": 3}");
        first.stop();

        try (RunningShop second = RunningShop.start(Topology.SINGLE, first.dataDir(), Map.of())) {
            RunningShop.Reply cart = second.get("/api/cart", token);

            assertThat(cart.status()).isEqualTo(200);
            assertThat(cart.json().get("lines").get(0).get("productId").asText()).isEqualTo("SKU-00002");
            assertThat(cart.json().get("itemCount").asInt()).isEqualTo(3);
        }
    }
}
