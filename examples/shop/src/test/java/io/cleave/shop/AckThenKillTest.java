package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.inventory.Inventory;
import io.cleave.shop.payments.Charge;
import io.cleave.shop.payments.ChargeStatus;
import io.cleave.shop.payments.Payments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write acknowledged to a client survives {@code kill -9} of the process that wrote it, 0.1 s,
 * 1 s and 30 s after the acknowledgement, for every component of the split shop that writes:
 * each round makes one acknowledged write per component (a sign-up, a cart line, an order with
 * its charge, stock, notification and recommendation), waits, kills every process at once —
 * every replica of every group and the embedded database server — and reads each write back
 * once the shop is up again.
 */
class AckThenKillTest {

    private static final Duration RECOVERY = Duration.ofSeconds(120);

    @TempDir
    static Path directory;
    private static SplitShop shop;

    @BeforeAll
    static void startTheShop() throws Exception {
        shop = SplitShop.start(directory, Optional.empty(), Map.of());
    }

    @AfterAll
    static void stopTheShop() {
        if (shop != null) {
            shop.close();
        }
    }

    /** What one round wrote, each acknowledged. */
    private record Writes(String email, String token, UUID userId, String orderId, String cartProduct, List<String> ordered,
            int availableAfterOrder) {
    }

    @ParameterizedTest(name = "killed {0} ms after the acknowledgement")
    @ValueSource(ints = {100, 1_000, 30_000})
    void everyAcknowledgedWriteOfEveryComponentSurvivesKillingEveryProcess(int delayMillis) throws Exception {
        Writes writes = write();
        long acknowledged = System.nanoTime();

        Thread.sleep(Math.max(0, delayMillis - (System.nanoTime() - acknowledged) / 1_000_000));
        List<String> killed = killEverything();
        SplitShop.await("every process back and healthy after killing " + killed, RECOVERY, shop::healthy);

        ShopClient client = shop.client();
        assertThat(client.post("/api/sessions", null, """
                {"email": "%s", "password": "correct horse battery"}""".formatted(writes.email())).status())
                .as("Users: the account signs in").isEqualTo(200);
        assertThat(client.get("/api/me", writes.token()).status()).as("Users: the session").isEqualTo(200);
        JsonNode order = client.get("/api/orders/" + writes.orderId(), writes.token()).json();
        assertThat(order.get("status").asText()).as("Checkout: the order").isEqualTo("CONFIRMED");
        List<Charge> charges = shop.app().component(Payments.class).charges(writes.userId());
        assertThat(charges).as("Payments: the charge").singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(ChargeStatus.APPROVED));
        int available = shop.app().component(Inventory.class).available(List.of(writes.ordered().get(0))).get(writes.ordered().get(0));
        assertThat(available).as("Inventory: the taken units").isEqualTo(writes.availableAfterOrder());
        JsonNode cart = client.get("/api/cart", writes.token()).json();
        assertThat(cart.get("lines")).as("Cart: the line added after the order").hasSize(1);
        assertThat(cart.get("lines").get(0).get("productId").asText()).isEqualTo(writes.cartProduct());
        // the confirmation and the recommendation follow from the OrderConfirmed event in Checkout's outbox
        SplitShop.await("the confirmation delivered", RECOVERY, () -> client.get("/api/notifications", writes.token()).json().size() > 0);
        SplitShop.await("the order taught", RECOVERY, () -> client.get("/api/products/" + writes.ordered().get(0), null).json()
                .get("boughtTogether").findValuesAsText("id").contains(writes.ordered().get(1)));
        JsonNode inbox = client.get("/api/notifications", writes.token()).json();
        assertThat(inbox).as("Notifications: the confirmation").hasSize(1);
        assertThat(inbox.get(0).get("body").asText()).contains(writes.orderId());
        JsonNode page = client.get("/api/products/" + writes.ordered().get(0), null).json();
        assertThat(page.get("boughtTogether").findValuesAsText("id")).as("Recommendations: the order taught")
                .contains(writes.ordered().get(1));
    }

    private static Writes write() {
        ShopClient client = shop.client();
        String email = "ack-" + UUID.randomUUID() + "@example.com";
        String token = client.signUp(email);
        UUID userId = UUID.fromString(client.get("/api/me", token).json().get("id").asText());
        List<String> ordered = pair();
        Inventory inventory = shop.app().component(Inventory.class);
        for (String product : ordered) {
            try {
                inventory.setStock(product, 50);
            } catch (io.cleave.shop.InvalidInputException e) {
                throw new AssertionError(e);
            }
            assertThat(client.addToCart(token, product, 1).status()).isEqualTo(200);
        }
        String orderId = UUID.randomUUID().toString();
        assertThat(client.placeOrder(token, orderId, "4242 4242 4242 4242").status()).isEqualTo(201);
        int available = shop.app().component(Inventory.class).available(List.of(ordered.get(0))).get(ordered.get(0));
        String cartProduct = "SKU-00031";
        assertThat(client.addToCart(token, cartProduct, 1).status()).isEqualTo(200);
        return new Writes(email, token, userId, orderId, cartProduct, ordered, available);
    }

    /** Two products with stock that no other round ordered together, so the recommendation is this round's. */
    private static List<String> pair() {
        long round = ROUNDS.incrementAndGet();
        return List.of(String.format("SKU-%05d", 100 + 2 * round), String.format("SKU-%05d", 101 + 2 * round));
    }

    private static final java.util.concurrent.atomic.AtomicLong ROUNDS = new java.util.concurrent.atomic.AtomicLong();

    /** Kills every replica and the database server at once; answers what was killed. */
    private static List<String> killEverything() {
        List<SplitShop.Proc> victims = new ArrayList<>(shop.replicas());
        shop.databaseServer().ifPresent(victims::add);
        for (SplitShop.Proc p : victims) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        return victims.stream().map(SplitShop.Proc::name).toList();
    }
}
