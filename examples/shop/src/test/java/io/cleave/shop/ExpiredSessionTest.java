package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.shop.storefront.Storefront;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.util.UUID;

/**
 * A session past its expiry is refused like an unknown one: here every session expires at once.
 * Expiry is Users' own logic, so one topology (every call serialized) is enough.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, set = "Users.session-ttl=0s",
        topologies = "single-serialized")
class ExpiredSessionTest {

    @TopologyTest
    void expiredSessionIsUnauthorizedWithAMessage(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("expired-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": 1}");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.error()).isEqualTo("session expired or unknown; log in again");
    }
}
