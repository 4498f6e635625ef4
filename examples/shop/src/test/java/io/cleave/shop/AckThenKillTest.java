package io.cleave.shop;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.inventory.Inventory;
import io.cleave.shop.payments.Charge;
import io.cleave.shop.payments.ChargeStatus;
import io.cleave.shop.payments.Payments;
import io.cleave.spi.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write acknowledged to a client survives {@code kill -9} of the process that wrote it, 0.1 s,
 * 1 s and 30 s after the acknowledgement, for every component of the split shop that writes: rounds
 * each make one acknowledged write per component (a sign-up, a cart line, an order with its charge,
 * stock, notification and recommendation), two rounds at least 30 s, one at least 1 s and the last
 * 0.1 s before every process is killed at once — every replica of every group and the embedded
 * database server — and each write is read back once the shop is up again (the delays reached are
 * printed: a round takes seconds, so the 1 s and 0.1 s are aimed at from the previous round's
 * time). One kill serves the three delays (each round's writes are its own), so the shop restarts
 * once; it runs one replica per group, since every process dies anyway.
 */
class AckThenKillTest {

    private static final Duration RECOVERY = Duration.ofSeconds(120);

    @TempDir
    static Path directory;
    private static SplitShop shop;

    @BeforeAll
    static void startTheShop() throws Exception {
        shop = SplitShop.start(directory, Optional.empty(), ShopSettings.ONE_REPLICA_EACH);
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

    @Test
    void everyAcknowledgedWriteOfEveryComponentSurvivesKillingEveryProcess() throws Exception {
        Writes first = write(); // also warms the shop up, so that the next round's time foretells the later ones'
        long started = System.nanoTime();
        Writes atLeast30s = write();
        long acknowledged30s = System.nanoTime();
        long took = acknowledged30s - started;
        // the next round is to end about 1 s before the kill, the last about 0.1 s before it, the kill 30 s after this one
        sleepUntil(acknowledged30s + SECONDS.toNanos(30) - MILLISECONDS.toNanos(1_100) - 2 * took);
        started = System.nanoTime();
        Writes atLeast1s = write();
        long acknowledged1s = System.nanoTime();
        took = acknowledged1s - started;
        long kill = Math.max(acknowledged1s + SECONDS.toNanos(1), acknowledged30s + SECONDS.toNanos(30));
        sleepUntil(kill - MILLISECONDS.toNanos(100) - took);
        Writes last = write();
        long acknowledgedLast = System.nanoTime();
        sleepUntil(Math.max(acknowledgedLast + MILLISECONDS.toNanos(100), kill));

        long killedAt = System.nanoTime();
        List<String> killed = killEverything();
        System.out.printf("AckThenKillTest: killed every process %d ms, %d ms and %d ms after three rounds' acknowledgements%n",
                NANOSECONDS.toMillis(killedAt - acknowledgedLast), NANOSECONDS.toMillis(killedAt - acknowledged1s),
                NANOSECONDS.toMillis(killedAt - acknowledged30s));
        Await.until(RECOVERY, "every process back and healthy after killing " + killed, shop::healthy);

        for (Writes writes : List.of(first, atLeast30s, atLeast1s, last)) {
            readBack(writes);
        }
    }

    /** Reads each write of a round back, each component's from its own store. */
    private static void readBack(Writes writes) {
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
        Await.until(RECOVERY, "the confirmation delivered", () -> client.get("/api/notifications", writes.token()).json().size() > 0);
        Await.until(RECOVERY, "the order taught", () -> client.get("/api/products/" + writes.ordered().get(0), null).json()
                .get("boughtTogether").findValuesAsText("id").contains(writes.ordered().get(1)));
        JsonNode inbox = client.get("/api/notifications", writes.token()).json();
        assertThat(inbox).as("Notifications: the confirmation").hasSize(1);
        assertThat(inbox.get(0).get("body").asText()).contains(writes.orderId());
        JsonNode page = client.get("/api/products/" + writes.ordered().get(0), null).json();
        assertThat(page.get("boughtTogether").findValuesAsText("id")).as("Recommendations: the order taught")
                .contains(writes.ordered().get(1));
    }

    /** Sleeps until {@link System#nanoTime()} reaches {@code deadline}: the delay under test, not a wait for anything. */
    private static void sleepUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left > 0) {
            NANOSECONDS.sleep(left);
        }
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
