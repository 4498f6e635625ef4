package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.kafka.broker.KafkaBroker;
import io.cleave.shop.storefront.Storefront;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shop with its events going through a real Kafka broker ({@code [events]
 * kafka-bootstrap-servers}): Catalog, which subscribes to its own {@code ProductChanged} only to
 * drop cached copies and so asks for no {@code Inbox}, still consumes the topic (its consumer
 * starts with the {@code Events} it publishes with), so a price change shows; Notifications and
 * Recommendations consume {@code OrderConfirmed} through their inboxes.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopOverKafkaTest.OverKafka.class, topologies = "single")
class ShopOverKafkaTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.forTests();

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    /** The shop's test settings, its events through the class's broker. */
    public static final class OverKafka extends ShopSettings {

        /** Created by cleave-test. */
        public OverKafka() {
        }

        @Override
        public Map<String, String> settings(Context context) throws Exception {
            Map<String, String> settings = new HashMap<>(super.settings(context));
            settings.put("events.kafka-bootstrap-servers", "\"" + KafkaBroker.current().bootstrapServers() + "\"");
            settings.put("events.poll-interval", "\"100ms\"");
            return settings;
        }
    }

    @TopologyTest
    void aPriceChangeReachesTheCachedProductPageThroughKafka(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String admin = shop.signUp("admin@shop.example");
        JsonNode product = shop.get("/api/products/SKU-00011", null).json().get("product");
        BigDecimal newPrice = product.get("price").decimalValue().add(new BigDecimal("2.50"));
        shop.get("/api/products/SKU-00011", null); // cached now

        ShopClient.Reply changed = shop.call("PUT", "/api/admin/products/SKU-00011/price", admin,
                "{\"price\": " + newPrice.toPlainString() + "}");

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        Await.until(DELIVERY, "the new price on the cached product page", () -> shop.get("/api/products/SKU-00011", null)
                .json().get("product").get("price").decimalValue().compareTo(newPrice) == 0);
    }

    @TopologyTest
    void aConfirmedOrdersNotificationComesThroughKafka(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("kafka-" + UUID.randomUUID() + "@example.com");
        JsonNode product = shop.findInStock("oak", 1);
        shop.addToCart(token, product.get("id").asText(), 1);
        String orderId = UUID.randomUUID().toString();

        ShopClient.Reply placed = shop.placeOrder(token, orderId, "4242 4242 4242 4242");

        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        Await.until(DELIVERY, "the confirmation in the inbox", () -> shop.get("/api/notifications", token).json().size() > 0);
        JsonNode notifications = shop.get("/api/notifications", token).json();
        assertThat(notifications).hasSize(1); // applied once
        assertThat(notifications.get(0).get("body").asText()).contains(orderId);
    }
}
