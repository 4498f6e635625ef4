package io.cleave.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Cache;
import io.cleave.spi.Codecs;
import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One cache, or two standing for two processes, on the local Redis (127.0.0.1:6379), each test
 * under a key prefix of its own; Redis-down tests start and kill their own {@code redis-server}.
 */
class TieredCacheTest {

    private static final URI REDIS = URI.create("redis://127.0.0.1:6379");

    private final AtomicLong nanos = new AtomicLong(1);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final String prefix = "cleave-test:" + UUID.randomUUID() + ":";

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private TieredCache<String> cache(Optional<URI> redis, Duration nearTtl, Duration sharedTtl) {
        CacheSettings settings = new CacheSettings(true, redis, prefix, 1_000, nearTtl, sharedTtl, Duration.ofMillis(200),
                Duration.ofMillis(100), Map.of(), "unused");
        TieredCache<String> cache = new TieredCache<>("Test.names", Codecs.STRING, settings, nanos::get, Runnable::run);
        opened.add(cache);
        return cache;
    }

    private TieredCache<String> shared() {
        return cache(Optional.of(REDIS), Duration.ofMinutes(10), Duration.ofMinutes(10));
    }

    @Test
    void aNearEntryExpiresAfterNearTtl() {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofSeconds(30), Duration.ofMinutes(10));
        AtomicInteger loads = new AtomicInteger();
        cache.get("k", k -> "v" + loads.incrementAndGet());

        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        String before = cache.get("k", k -> "v" + loads.incrementAndGet());
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        String after = cache.get("k", k -> "v" + loads.incrementAndGet());

        assertThat(before).isEqualTo("v1");
        assertThat(after).isEqualTo("v2");
    }

    @Test
    void aSharedEntryExpiresInRedisAfterSharedTtl() {
        TieredCache<String> cache = cache(Optional.of(REDIS), Duration.ofMinutes(10), Duration.ofSeconds(40));

        cache.get("k", k -> "v");

        long remaining = cache.shared().orElseThrow().remainingMillis("k");
        assertThat(remaining).isPositive().isLessThanOrEqualTo(40_000);
    }

    @Test
    void hundredConcurrentMissesOfOneKeyRunOneLoad() throws Exception {
        TieredCache<String> cache = shared();
        int callers = 100;
        AtomicInteger loads = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(callers, r -> {
            Thread t = new Thread(r);
            synchronized (threads) {
                threads.add(t);
            }
            return t;
        })) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> cache.get("hot", k -> {
                    loads.incrementAndGet();
                    release.await();
                    return "loaded";
                })));
            }
            // the load is held until every other caller is waiting for it (or for the loader itself)
            Await.until(Duration.ofSeconds(10), "99 callers waiting for the load",
                    () -> threads.size() == callers && threads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() == callers,
                    () -> threads.stream().map(Thread::getState).toList());
            release.countDown();

            for (Future<String> a : answers) {
                assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
            }
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void aLoadersExceptionReachesTheCallerAndIsNotCached() {
        TieredCache<String> cache = shared();

        assertThatThrownBy(() -> cache.get("k", k -> {
            throw new IOException("backend down");
        })).isInstanceOf(IOException.class).hasMessage("backend down");
        String next = cache.get("k", k -> "v");

        assertThat(next).isEqualTo("v");
    }

    @Test
    void anotherProcessReadsTheValueFromTheSharedTierWithoutLoading() {
        TieredCache<String> first = shared();
        TieredCache<String> second = shared();
        first.get("k", k -> "from-first");

        String read = second.get("k", k -> {
            throw new AssertionError("loaded although the shared tier holds it");
        });

        assertThat(read).isEqualTo("from-first");
    }

    @Test
    void anInvalidationDropsTheKeyFromEveryProcessAndTheSharedTier() throws Exception {
        TieredCache<String> first = shared();
        TieredCache<String> second = shared();
        first.get("k", k -> "old");
        second.get("k", k -> "old");

        first.invalidate("k");

        Await.until(Duration.ofSeconds(1), "the other process dropped it", () -> second.getIfPresent("k").isEmpty(),
                () -> second.getIfPresent("k"));
        assertThat(first.getIfPresent("k")).isEmpty();
        assertThat(second.get("k", k -> "new")).isEqualTo("new");
        assertThat(first.get("k", k -> "not loaded: the shared tier has it")).isEqualTo("new");
    }

    @Test
    void aValueLoadedBeforeAnotherProcessesChangeIsNotWrittenToTheSharedTier() throws Exception {
        TieredCache<String> first = shared();
        TieredCache<String> second = shared();

        // second reads the database ("old"), then first's change commits and invalidates, then second's load ends
        String loaded = second.get("k", k -> {
            first.invalidate("k");
            return "old";
        });

        assertThat(loaded).isEqualTo("old"); // what the database said when second read it
        assertThat(second.shared().orElseThrow().remainingMillis("k")).as("the old value in Redis").isEqualTo(-2);
        Await.until(Duration.ofSeconds(1), "second dropped the old value", () -> second.getIfPresent("k").isEmpty(),
                () -> second.getIfPresent("k"));
        assertThat(first.get("k", k -> "new")).isEqualTo("new");
        assertThat(second.get("k", k -> "not loaded: the shared tier has it")).isEqualTo("new");
    }

    @Test
    void aWriteIsRefusedOnlyWhenTheKeyWasInvalidatedSinceItsRead() {
        SharedTier mine = shared().shared().orElseThrow();
        SharedTier other = shared().shared().orElseThrow();
        byte[] value = {1, 2, 3};

        SharedTier.Read before = mine.get("k");
        other.invalidate("k");
        mine.put("k", value, before);
        long afterStaleWrite = mine.remainingMillis("k");
        mine.put("k", value, mine.get("k"));

        assertThat(before.generation()).isPresent();
        assertThat(afterStaleWrite).isEqualTo(-2);
        assertThat(other.get("k").value()).hasValueSatisfying(v -> assertThat(v).containsExactly(value));
        assertThat(mine.remainingMillis("k")).isPositive();
    }

    @Test
    void withRedisKilledTheNearTierStillAnswersAndMissesLoadWithoutFailing() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        TieredCache<String> cache;
        try {
            cache = cache(Optional.of(URI.create("redis://127.0.0.1:" + port)), Duration.ofMinutes(10), Duration.ofMinutes(10));
            cache.get("warm", k -> "cached");
            assertThat(cache.shared().orElseThrow().errors()).isZero();
        } finally {
            redis.destroyForcibly().waitFor();
        }

        String warm = cache.get("warm", k -> "reloaded");
        String cold = cache.get("cold", k -> "loaded without Redis");
        cache.invalidate("warm");
        String afterInvalidation = cache.get("warm", k -> "reloaded");

        assertThat(warm).isEqualTo("cached");
        assertThat(cold).isEqualTo("loaded without Redis");
        assertThat(afterInvalidation).isEqualTo("reloaded");
        assertThat(cache.shared().orElseThrow().errors()).isPositive();
    }

    @Test
    void withRedisStoppedAMissWaitsForItOnceAnIntervalAndTheOthersDoNotAsk() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        try {
            // redis-timeout 200 ms, reconnect-interval 100 ms (on the test's clock)
            TieredCache<String> cache = cache(Optional.of(URI.create("redis://127.0.0.1:" + port)), Duration.ofMinutes(10),
                    Duration.ofMinutes(10));
            SharedTier shared = cache.shared().orElseThrow();
            cache.get("warm", k -> "cached");
            signal("STOP", redis.pid());

            long before = shared.asked();
            assertThat(cache.get("cold-0", k -> "loaded")).as("Redis timed out: loaded").isEqualTo("loaded");
            for (int i = 1; i <= 50; i++) {
                assertThat(cache.get("cold-" + i, k -> "loaded")).isEqualTo("loaded");
            }
            assertThat(shared.asked() - before).as("Redis asked within the interval after it timed out").isEqualTo(1);
            assertThat(cache.get("warm", k -> "reloaded")).as("the near tier answers").isEqualTo("cached");

            nanos.addAndGet(Duration.ofMillis(100).toNanos());
            cache.get("cold-51", k -> "loaded");
            assertThat(shared.asked() - before).as("asked again an interval later").isEqualTo(2);

            signal("CONT", redis.pid());
            Await.until(Duration.ofSeconds(10), "the shared tier answering again", () -> {
                nanos.addAndGet(Duration.ofMillis(100).toNanos());
                long asked = shared.asked();
                cache.get("probe-" + asked, k -> "loaded");
                return shared.asked() - asked == 2; // a miss reads, and writes back what it loaded, once Redis answers
            }, () -> shared.errors() + " errors");
        } finally {
            signal("CONT", redis.pid());
            redis.destroyForcibly().waitFor();
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void aRedisUnreachableAtStartIsUsedOnceItComesUp() throws Exception {
        int port = freePort();
        TieredCache<String> cache = cache(Optional.of(URI.create("redis://127.0.0.1:" + port)), Duration.ofMinutes(10),
                Duration.ofMinutes(10));
        assertThat(cache.get("k", k -> "without Redis")).isEqualTo("without Redis");

        Process redis = startRedis(port);
        try {
            TieredCache<String> other = cache(Optional.of(URI.create("redis://127.0.0.1:" + port)), Duration.ofMinutes(10),
                    Duration.ofMinutes(10));
            Await.until(Duration.ofSeconds(10), "the first cache connected", () -> {
                cache.invalidate("probe");
                cache.get("probe", k -> "through Redis");
                return other.get("probe", k -> "not shared").equals("through Redis");
            }, () -> cache.shared().orElseThrow().errors() + " errors");
        } finally {
            redis.destroyForcibly().waitFor();
        }
    }

    @Test
    void anInvalidationOfACacheInEdgePurgeTellsTheGatewayAtOnceAndASecondLater() throws Exception {
        String edgeChannel = prefix + "gateway-purge";
        CacheSettings settings = new CacheSettings(true, Optional.of(REDIS), prefix, 1_000, Duration.ofMinutes(10),
                Duration.ofMinutes(10), Duration.ofMillis(200), Duration.ofMillis(100),
                Map.of("Test.names", "/names/{key}/page"), edgeChannel);
        TieredCache<String> names = new TieredCache<>("Test.names", Codecs.STRING, settings, nanos::get, Runnable::run);
        TieredCache<String> others = new TieredCache<>("Test.others", Codecs.STRING, settings, nanos::get, Runnable::run);
        opened.add(names);
        opened.add(others);
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(REDIS.toString());
        opened.add(client::shutdown);
        var subscription = client.connectPubSub();
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        subscription.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                heard.add(message);
            }
        });
        subscription.sync().subscribe(edgeChannel);

        others.invalidate("k"); // a cache edge-purge does not name: no purge
        names.invalidate("a b/ü");

        String purge = "{\"from\":\"cache Test.names\",\"prefix\":\"/names/a%20b%2F%C3%BC/page\"}";
        Await.until(Duration.ofSeconds(10), "the purge, twice", () -> heard.size() >= 2, () -> heard);
        assertThat(heard).containsExactly(purge, purge);
    }

    @Test
    void aDisabledCacheRunsTheLoaderEveryTime() {
        CacheSettings off = new CacheSettings(false, Optional.of(REDIS), prefix, 1_000, Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMillis(200), Duration.ofMillis(100), Map.of(), "unused");
        TieredCache<String> cache = new TieredCache<>("Test.names", Codecs.STRING, off, nanos::get, Runnable::run);
        opened.add(cache);
        AtomicInteger loads = new AtomicInteger();

        cache.get("k", k -> "v" + loads.incrementAndGet());
        String second = cache.get("k", k -> "v" + loads.incrementAndGet());

        assertThat(second).isEqualTo("v2");
        assertThat(cache.getIfPresent("k")).isEmpty();
        assertThat(cache.shared()).isEmpty();
    }

    @Test
    void aKeyOutOfRangeIsRefusedNamingTheCache() {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));

        assertThatThrownBy(() -> cache.get("", k -> "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cache Test.names: a key must be 1 to 200 characters, not empty");
        assertThatThrownBy(() -> cache.get("x".repeat(201), k -> "v"))
                .hasMessage("cache Test.names: a key must be 1 to 200 characters, not 201 characters");
        assertThatThrownBy(() -> cache.get(null, k -> "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cache Test.names: a key must be 1 to 200 characters, not null");
    }

    @Test
    void getAllWithABadKeyIsRefusedBeforeAnyKeyIsClaimed() throws Exception {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));

        assertThatThrownBy(() -> cache.getAll(Arrays.asList("good", null), keys -> Map.of("good", "G")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cache Test.names: a key must be 1 to 200 characters, not null");
        // bounded: a claim left behind would make this wait for ever
        assertThat(CompletableFuture.supplyAsync(() -> cache.get("good", k -> "loaded")).get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
    }

    @Test
    void aLoaderReturningNullFailsNamingCacheAndKey() {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));

        assertThatThrownBy(() -> cache.get("k", k -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("cache Test.names: the loader of key \"k\" returned null");
    }

    @Test
    void getAllLoadsOnlyTheMissingKeysInOneCallAndKeepsThem() {
        TieredCache<String> cache = shared();
        cache.get("a", k -> "A");
        List<Set<String>> asked = new ArrayList<>();

        Map<String, String> values = cache.getAll(List.of("c", "a", "b", "c"), keys -> {
            asked.add(Set.copyOf(keys));
            return Map.of("b", "B", "c", "C", "unasked", "ignored");
        });

        assertThat(values).containsExactly(Map.entry("c", "C"), Map.entry("a", "A"), Map.entry("b", "B"));
        assertThat(asked).containsExactly(Set.of("b", "c"));
        assertThat(cache.getIfPresent("b")).contains("B");
        assertThat(cache.getIfPresent("unasked")).isEmpty();
        assertThat(shared().getAll(List.of("a", "b", "c"), keys -> {
            throw new AssertionError("not loaded: the shared tier has " + keys);
        })).containsExactly(Map.entry("a", "A"), Map.entry("b", "B"), Map.entry("c", "C"));
    }

    @Test
    void getAllWaitsForAKeyAnotherCallerIsLoadingInsteadOfLoadingItAgain() throws Exception {
        // no Redis: its replies would be waits too, and only the wait for the other load is asked
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger bulkLoadsOfHot = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<String> single = heldGet(pool, cache, "hot", release, () -> "from get");
            Future<Map<String, String>> many = waitingGetAll(pool, cache, List.of("hot", "cold"), keys -> {
                if (keys.contains("hot")) {
                    bulkLoadsOfHot.incrementAndGet();
                }
                return Map.of("cold", "from getAll");
            });
            assertThat(cache.getIfPresent("cold")).as("its own key is settled before it waits").contains("from getAll");
            release.countDown();

            assertThat(many.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry("hot", "from get"), Map.entry("cold", "from getAll"));
            assertThat(single.get(10, TimeUnit.SECONDS)).isEqualTo("from get");
        }
        assertThat(bulkLoadsOfHot).hasValue(0);
    }

    /** A {@code get} of {@code key} on {@code pool} whose loader waits for {@code release}, then answers {@code then}; returns once it holds the key. */
    private static Future<String> heldGet(ExecutorService pool, TieredCache<String> cache, String key, CountDownLatch release,
            Callable<String> then) throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        Future<String> single = pool.submit(() -> cache.get(key, k -> {
            started.incrementAndGet();
            release.await();
            return then.call();
        }));
        Await.until(Duration.ofSeconds(10), "the single load has claimed the key", () -> started.get() == 1, started::get);
        return single;
    }

    /** A {@code getAll} on {@code pool}; returns once its thread waits (for another caller's load). */
    private static Future<Map<String, String>> waitingGetAll(ExecutorService pool, TieredCache<String> cache, List<String> keys,
            Cache.BulkLoader<String, RuntimeException> loader) throws InterruptedException {
        Thread[] bulk = new Thread[1];
        Future<Map<String, String>> many = pool.submit(() -> {
            bulk[0] = Thread.currentThread();
            return cache.getAll(keys, loader);
        });
        Await.until(Duration.ofSeconds(10), "getAll waiting for the other load",
                () -> bulk[0] != null && bulk[0].getState() == Thread.State.WAITING, () -> bulk[0] == null ? "not started" : bulk[0].getState());
        return many;
    }

    @Test
    void aValueGetAllLoadedBeforeAnInvalidationIsReturnedButNotKept() {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));

        Map<String, String> values = cache.getAll(List.of("k", "other"), keys -> {
            cache.invalidate("k"); // the change commits while the query runs
            return Map.of("k", "old", "other", "fine");
        });

        assertThat(values).containsExactly(Map.entry("k", "old"), Map.entry("other", "fine"));
        assertThat(cache.getIfPresent("k")).isEmpty();
        assertThat(cache.getIfPresent("other")).contains("fine");
    }

    @Test
    void aKeyTheBulkLoaderLeavesOutHasNoValueAndIsNotKept() {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));

        Map<String, String> values = cache.getAll(List.of("unknown", "a"), keys -> Map.of("a", "A"));

        assertThat(values).containsExactly(Map.entry("a", "A"));
        assertThat(cache.getIfPresent("unknown")).isEmpty();
        assertThat(cache.get("unknown", k -> "created since")).isEqualTo("created since");
    }

    @Test
    void aLoadThatFailedForAnotherCallerIsAskedOfGetAllsOwnLoader() throws Exception {
        TieredCache<String> cache = cache(Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(1));
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<String> single = heldGet(pool, cache, "k", release, () -> {
                throw new IOException("no such thing, says the single loader");
            });
            Future<Map<String, String>> many = waitingGetAll(pool, cache, List.of("k"), keys -> Map.of("k", "found by the bulk loader"));
            release.countDown();

            assertThat(many.get(10, TimeUnit.SECONDS)).containsExactly(Map.entry("k", "found by the bulk loader"));
            assertThatThrownBy(() -> single.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);
        }
        assertThat(cache.getIfPresent("k")).as("a value loaded outside a claim is not kept").isEmpty();
    }

    @Test
    void getAllOfADisabledCacheLoadsEveryKeyEveryTime() {
        CacheSettings off = new CacheSettings(false, Optional.empty(), prefix, 1_000, Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMillis(200), Duration.ofMillis(100), Map.of(), "unused");
        TieredCache<String> cache = new TieredCache<>("Test.names", Codecs.STRING, off, nanos::get, Runnable::run);
        opened.add(cache);
        List<Set<String>> asked = new ArrayList<>();

        cache.getAll(List.of("a", "b"), keys -> {
            asked.add(Set.copyOf(keys));
            return Map.of("a", "A", "b", "B");
        });
        cache.getAll(List.of("a"), keys -> {
            asked.add(Set.copyOf(keys));
            return Map.of("a", "A");
        });

        assertThat(asked).containsExactly(Set.of("a", "b"), Set.of("a"));
        assertThat(cache.getIfPresent("a")).isEmpty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process startRedis(int port) throws Exception {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Await.until(Duration.ofSeconds(10), "redis-server on port " + port, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return s.isConnected();
            } catch (IOException e) {
                return false;
            }
        }, () -> "alive: " + p.isAlive());
        return p;
    }
}
