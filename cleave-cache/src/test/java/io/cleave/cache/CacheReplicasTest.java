package io.cleave.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.cache.app.Loads;
import io.cleave.cache.app.Prices;
import io.cleave.cache.app.Quote;
import io.cleave.cache.app.Quotes;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Two replicas of Quotes cache prices (near tier per process, Redis shared); Prices publishes
 * {@code PriceChanged} in the transaction that changes a price, and the replica the event reaches
 * invalidates the key everywhere.
 */
@CleaveTest(config = "cache.toml", topologies = "multi")
class CacheReplicasTest {

    @TopologyTest
    void aPriceChangeIsVisibleOnEveryReplicaWithinOneSecond(Prices prices, Quotes quotes) throws Exception {
        String sku = "sku-" + UUID.randomUUID();
        prices.set(sku, 100);
        Map<Long, Long> latestByReplica = new HashMap<>();
        Await.until(Duration.ofSeconds(30), "both replicas answered", () -> {
            Quote q = quotes.quote(sku);
            latestByReplica.put(q.pid(), q.cents());
            return latestByReplica.size() == 2;
        }, () -> latestByReplica);
        assertThat(latestByReplica.values()).containsOnly(100L);

        long changed = System.nanoTime();
        prices.set(sku, 250);
        Await.until(Duration.ofSeconds(10), "both replicas answer the new price", () -> {
            Quote q = quotes.quote(sku);
            latestByReplica.put(q.pid(), q.cents());
            return latestByReplica.values().stream().allMatch(c -> c == 250L);
        }, () -> latestByReplica);
        Duration visibleAfter = Duration.ofNanos(System.nanoTime() - changed);
        System.out.println("the new price was visible on both replicas " + visibleAfter.toMillis() + " ms after the change");

        assertThat(latestByReplica).hasSize(2);
        assertThat(visibleAfter).isLessThan(Duration.ofSeconds(1));
    }

    @TopologyTest
    void aReplicaReadsAnotherReplicasLoadFromTheSharedTier(Prices prices, Quotes quotes) throws Exception {
        String sku = "sku-" + UUID.randomUUID();
        prices.set(sku, 700);
        long loadsBefore = totalLoads(quotes);
        Map<Long, Long> latestByReplica = new HashMap<>();

        Await.until(Duration.ofSeconds(30), "both replicas answered", () -> {
            Quote q = quotes.quote(sku);
            latestByReplica.put(q.pid(), q.cents());
            return latestByReplica.size() == 2;
        }, () -> latestByReplica);

        assertThat(latestByReplica.values()).containsOnly(700L);
        // the first replica loaded it from Prices; the second found it in Redis
        assertThat(totalLoads(quotes) - loadsBefore).isEqualTo(1);
    }

    /** The loads of both replicas: asks until it has heard from two processes. */
    private static long totalLoads(Quotes quotes) throws InterruptedException {
        Map<Long, Long> byReplica = new HashMap<>();
        Await.until(Duration.ofSeconds(30), "both replicas counted", () -> {
            Loads loads = quotes.loads();
            byReplica.put(loads.pid(), loads.count());
            return byReplica.size() == 2;
        }, () -> byReplica);
        return byReplica.values().stream().mapToLong(Long::longValue).sum();
    }
}
