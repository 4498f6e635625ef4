package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Recommendations are non-critical: when they fail, the product page still renders, without them. */
class DegradedRecommendationsTest {

    abstract static class Contract extends ShopTestBase {

        @Override
        Map<String, String> settings() {
            return Map.of("Recommendations.failure-rate", "1.0");
        }

        @Test
        void productPageRendersWithoutRecommendationsWhenTheyFail() {
            RunningShop.Reply reply = shop.get("/api/products/SKU-00002", null);
            JsonNode page = reply.json();

            assertThat(reply.status()).isEqualTo(200);
            assertThat(page.get("product").get("id").asText()).isEqualTo("SKU-00002");
            assertThat(page.get("recommendationsAvailable").asBoolean()).isFalse();
            assertThat(page.get("boughtTogether")).isEmpty();
        }
    }

    @Nested
    class Single extends Contract {
        @Override
        Topology topology() {
            return Topology.SINGLE;
        }
    }

    @Nested
    class SingleSerialized extends Contract {
        @Override
        Topology topology() {
            return Topology.SINGLE_SERIALIZED;
        }
    }
}
