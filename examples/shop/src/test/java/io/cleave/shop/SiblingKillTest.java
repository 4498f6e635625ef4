package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replicated component's replicas do not depend on each other: killing the replica of Cart and
 * of Catalog that started first ({@code kill -9}) under load never fails a request its sibling
 * serves. Reads are idempotent, so a read in flight on the killed replica is retried on the
 * sibling: none may fail. A cart write is not, so it may fail only if it was in flight on the
 * killed replica at that moment: at most one per client, and none once the kill is known.
 */
class SiblingKillTest {

    private static final int CLIENTS = 4;

    @TempDir
    Path directory;

    @Test
    void killingTheFirstReplicaOfCartAndCatalogNeverFailsARequestOnTheirSiblings() throws Exception {
        try (SplitShop shop = SplitShop.start(directory, Optional.empty(), Map.of())) {
            ShopClient client = shop.client();
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                tokens.add(client.signUp("sibling-" + UUID.randomUUID() + "@example.com"));
            }
            long cart = shop.pid("Cart", 0);
            long catalog = shop.pid("Catalog+Recommendations", 0);
            long cartSibling = shop.pid("Cart", 1);
            long catalogSibling = shop.pid("Catalog+Recommendations", 1);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger writes = new AtomicInteger();
            List<String> failedReads = Collections.synchronizedList(new ArrayList<>());
            List<String> failedWrites = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch warm = new CountDownLatch(CLIENTS);
            AtomicBoolean killed = new AtomicBoolean();
            List<String> failedAfterKill = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (String token : tokens) {
                threads.add(Thread.ofPlatform().start(() -> {
                    int n = 0;
                    while (running.get() && n < 100_000) {
                        n++;
                        boolean afterKill = killed.get();
                        check(safe(() -> client.get("/api/cart", token)), reads, failedReads);
                        check(safe(() -> client.get("/api/products?q=lamp&limit=5", null)), reads, failedReads);
                        String sku = String.format("SKU-%05d", 1 + n % 40);
                        ShopClient.Reply added = safe(() -> client.call("PUT", "/api/cart/items/" + sku, token, "{\"quantity\": 1}"));
                        writes.incrementAndGet();
                        if (added.status() != 200 && added.status() != 404 && added.status() != 409) {
                            failedWrites.add(added.status() + " " + added.body());
                            if (afterKill) {
                                failedAfterKill.add(added.status() + " " + added.body());
                            }
                        }
                        if (n == 20) {
                            warm.countDown();
                        }
                    }
                }));
            }
            assertThat(warm.await(60, TimeUnit.SECONDS)).isTrue();

            ProcessHandle.of(cart).orElseThrow().destroyForcibly();
            ProcessHandle.of(catalog).orElseThrow().destroyForcibly();
            ProcessHandle.of(cart).ifPresent(h -> h.onExit().join());
            ProcessHandle.of(catalog).ifPresent(h -> h.onExit().join());
            // the supervisor forgets a replica's pid when it has taken it out of the routes it publishes
            Await.until(Duration.ofSeconds(30), "the supervisor seeing both exits", () -> shop.replicas().stream()
                    .noneMatch(p -> p.pid() == cart || p.pid() == catalog));
            killed.set(true);
            int readsBefore = reads.get();
            Await.until(Duration.ofSeconds(120), "the killed replicas back", shop::healthy);
            Await.until(Duration.ofSeconds(30), "more reads after the restart", () -> reads.get() > readsBefore + 100);
            running.set(false);
            for (Thread t : threads) {
                t.join(60_000);
            }

            assertThat(failedReads).as("idempotent reads failed around the kill, out of " + reads.get()).isEmpty();
            assertThat(failedWrites.size()).as("writes in flight on a killed replica, out of " + writes.get() + ": " + failedWrites)
                    .isLessThanOrEqualTo(2 * CLIENTS);
            assertThat(failedAfterKill).as("writes failed once the kill was known").isEmpty();
            assertThat(shop.pid("Cart", 1)).as("Cart's sibling kept running").isEqualTo(cartSibling);
            assertThat(shop.pid("Catalog+Recommendations", 1)).as("Catalog's sibling kept running").isEqualTo(catalogSibling);
        }
    }

    private static void check(ShopClient.Reply reply, AtomicInteger count, List<String> failures) {
        count.incrementAndGet();
        if (reply.status() != 200) {
            failures.add(reply.status() + " " + reply.body());
        }
    }

    private static ShopClient.Reply safe(java.util.function.Supplier<ShopClient.Reply> call) {
        try {
            return call.get();
        } catch (UncheckedIOException e) {
            return new ShopClient.Reply(-1, e.getMessage(), "", -1);
        }
    }
}
