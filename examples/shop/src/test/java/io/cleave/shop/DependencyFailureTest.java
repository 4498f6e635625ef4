package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split shop when a dependency hangs or dies, with the policies of its configuration
 * ({@code [resilience.Payments]}: 2 s timeout and a breaker; fallbacks on recommendations and
 * stock counts): a hung Payments costs checkouts, not browsing, its breaker opens and then
 * refuses at once, and the supervisor replaces it; a dead Inventory or Recommendations costs
 * no page. One split shop serves both tests (each leaves it whole again, and each starts by
 * waiting until it is).
 */
class DependencyFailureTest {

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

    @BeforeEach
    void everyProcessServes() {
        Await.until(Duration.ofSeconds(120), "every process serving", shop::healthy);
    }

    @Test
    void aHungPaymentsOpensItsBreakerLeavesBrowsingAloneAndIsReplaced() throws Exception {
        ShopClient client = shop.client();
        String token = client.signUp("hung-" + UUID.randomUUID() + "@example.com");
        long payments = shop.pid("Payments", 0);
        List<String> browseFailures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean browsing = new AtomicBoolean(true);
        Thread browser = Thread.ofPlatform().start(() -> browse(client, browsing, browseFailures));

        signal("STOP", payments);
        List<Integer> answers = new ArrayList<>();
        Await.until(Duration.ofSeconds(120), "the breaker of Checkout's calls to Payments open", () -> {
            answers.add(checkout(client, token));
            return callsOf(shop, "Notifications+Checkout").path("Payments").asText().contains("breaker OPEN");
        });
        String openSeen = callsOf(shop, "Notifications+Checkout").path("Payments").asText();
        Await.until(Duration.ofSeconds(120), "the silent Payments replaced by the supervisor",
                () -> shop.replicas().stream().anyMatch(p -> p.name().equals("Payments/0") && p.pid() != payments)
                        && shop.healthy());
        Await.until(Duration.ofSeconds(60), "a checkout confirmed again", () -> checkout(client, token) == 201);
        browsing.set(false);
        browser.join(30_000);

        assertThat(answers).as("checkouts while Payments hung").isNotEmpty().allMatch(status -> status == 503);
        assertThat(openSeen).contains("refused");
        assertThat(browseFailures).as("browsing while Payments hung and was replaced").isEmpty();
        assertThat(ProcessHandle.of(payments)).as("the hung process was killed").isEmpty();
    }

    @Test
    void productPagesStayUpWhenInventoryOrRecommendationsDie() throws Exception {
        ShopClient client = shop.client();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean browsing = new AtomicBoolean(true);
        Thread browser = Thread.ofPlatform().start(() -> browse(client, browsing, failures));
        long inventory = shop.pid("Inventory", 0);

        ProcessHandle.of(inventory).orElseThrow().destroyForcibly();
        ProcessHandle.of(shop.pid("Catalog+Recommendations", 0)).orElseThrow().destroyForcibly();
        JsonNode whileDown = client.get("/api/products?q=lamp&limit=5", null).json();
        Await.until(Duration.ofSeconds(120), "every process back",
                () -> shop.healthy() && shop.pid("Inventory", 0) != inventory);
        Await.until(Duration.ofSeconds(30), "stock counts known again",
                () -> !client.get("/api/products?q=lamp&limit=5", null).json().get("products").get(0).get("available").isNull());
        browsing.set(false);
        browser.join(30_000);

        assertThat(failures).as("product listings and pages while Inventory and a Catalog replica were down").isEmpty();
        assertThat(whileDown.get("products")).isNotEmpty();
    }

    /** Listings and product pages, in a loop, until told to stop; collects every answer that is not 200. */
    private static void browse(ShopClient client, AtomicBoolean browsing, List<String> failures) {
        int n = 0;
        while (browsing.get() && n < 100_000) {
            n++;
            for (String path : List.of("/api/products?q=lamp&limit=5", "/api/products/SKU-0000" + (1 + n % 9),
                    "/api/categories")) {
                try {
                    ShopClient.Reply reply = client.get(path, null);
                    if (reply.status() != 200) {
                        failures.add(path + " " + reply.status() + " " + reply.body());
                    }
                } catch (RuntimeException e) {
                    failures.add(path + " " + e.getMessage());
                }
            }
        }
    }

    /** Puts a product in the cart and checks out; answers the status. */
    private static int checkout(ShopClient client, String token) {
        client.addToCart(token, "SKU-00012", 1);
        return client.placeOrder(token, UUID.randomUUID().toString(), "4242 4242 4242 4242").status();
    }

    /** How the calls of a group's first replica stand, as the supervisor's status reports them. */
    private static JsonNode callsOf(SplitShop shop, String group) {
        for (JsonNode g : shop.status().get("groups")) {
            if (g.get("name").asText().equals(group)) {
                return g.get("replicas").get(0).path("calls");
            }
        }
        throw new AssertionError("no group " + group);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
