package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.storefront.Storefront;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;

/** Recommendations are non-critical: when they fail, the product page still renders, without them. */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.OneReplicaEach.class, set = "Recommendations.failure-rate=1.0")
class DegradedRecommendationsTest {

    @TopologyTest
    void productPageRendersWithoutRecommendationsWhenTheyFail(Storefront storefront) {
        ShopClient.Reply reply = new ShopClient(storefront).get("/api/products/SKU-00002", null);
        JsonNode page = reply.json();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(page.get("product").get("id").asText()).isEqualTo("SKU-00002");
        assertThat(page.get("recommendationsAvailable").asBoolean()).isFalse();
        assertThat(page.get("boughtTogether")).isEmpty();
    }
}
