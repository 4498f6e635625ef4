package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.shop.storefront.Storefront;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cart lives in the Cart component's own store, so it survives a restart of the shop. The
 * test stops and starts the whole application on one data directory itself, in one process:
 * what it checks is the store, which is the same in every topology.
 */
class CartPersistenceTest {

    @TempDir
    Path dataDir;

    private App start() {
        Cleave.Builder builder = Cleave.app().config(Path.of(ShopSettings.CONFIG)).deployer("single")
                .set("app.data-dir", "\"" + dataDir.toString().replace("\\", "\\\\") + "\"");
        ShopSettings.FAST.forEach(builder::set);
        return builder.start();
    }

    @Test
    void cartAndSessionSurviveARestart() {
        String token;
        try (App first = start()) {
            ShopClient shop = new ShopClient(first.component(Storefront.class));
            token = shop.signUp("restart-" + UUID.randomUUID() + "@example.com");
            shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": 3}");
        }

        try (App second = start()) {
            ShopClient.Reply cart = new ShopClient(second.component(Storefront.class)).get("/api/cart", token);

            assertThat(cart.status()).isEqualTo(200);
            assertThat(cart.json().get("lines").get(0).get("productId").asText()).isEqualTo("SKU-00002");
            assertThat(cart.json().get("itemCount").asInt()).isEqualTo(3);
        }
    }
}
