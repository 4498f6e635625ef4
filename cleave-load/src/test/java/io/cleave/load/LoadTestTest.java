package io.cleave.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whole runs against servers in this test, on 127.0.0.1. Assertions are on counts and on what
 * the recorded times imply, never on how fast this machine is.
 */
class LoadTestTest {

    private static ShopServer shop;

    @BeforeAll
    static void startShop() throws IOException {
        shop = new ShopServer();
    }

    @AfterAll
    static void stopShop() {
        shop.close();
    }

    /** One observed request. */
    record Outcome(long intendedAt, long sentAt, long finishedAt, int status, String error) {
        long latency() {
            return finishedAt - intendedAt;
        }
    }

    @Test
    void scenarioFlowsCarryExtractedValuesFromStepToStep() throws Exception {
        Scenario scenario = Scenario.parse(ScenarioTest.example());

        LoadResult result = LoadTest.builder()
                .target(shop.uri())
                .scenario(scenario)
                .profile(Profile.steady(200, Duration.ofSeconds(5)))
                .maxRequests(240)
                .connections(4)
                .build()
                .run();

        assertThat(result.sent()).isEqualTo(240);
        assertThat(result.errors()).isZero();
        assertThat(result.errorsByKind()).isEmpty();
        assertThat(shop.rejected()).isZero();
        assertThat(shop.checkouts()).isPositive();
        assertThat(result.steps()).extracting(LoadResult.StepResult::step)
                .containsExactly("sign up", "browse", "add to cart", "check out", "products");
        LoadResult.StepResult checkOut = result.steps().get(3);
        assertThat(checkOut.requests()).isEqualTo(shop.checkouts());
        assertThat(result.sessions().completed()).isGreaterThanOrEqualTo(checkOut.requests());
        assertThat(result.steps().stream().mapToLong(LoadResult.StepResult::requests).sum()).isEqualTo(240);
    }

    @Test
    void theMeasuredRunCarriesOnTheWarmUpsConnectionsAndSessions() throws Exception {
        try (ShopServer fresh = new ShopServer()) {
            List<Integer> usersWhenMeasuringBegan = Collections.synchronizedList(new ArrayList<>());
            LoadResult result = LoadTest.builder()
                    .target(fresh.uri())
                    .scenario(Scenario.parse(ScenarioTest.example()))
                    .warmup(Duration.ofSeconds(1))
                    .profile(Profile.steady(200, Duration.ofSeconds(1)))
                    .connections(4)
                    .onMeasuring(() -> usersWhenMeasuringBegan.add(fresh.users()))
                    .build()
                    .run();

            assertThat(usersWhenMeasuringBegan).as("told once, after the warm-up's sign-ups").singleElement()
                    .satisfies(users -> assertThat(users).isPositive().isLessThan(fresh.users()));

            assertThat(result.errors()).isZero();
            assertThat(fresh.rejected()).isZero();
            assertThat(fresh.connections()).as("connections opened over warm-up and run").isEqualTo(4);
            // Session numbers go on counting: a restart would sign up user-1@example.com again.
            assertThat(fresh.repeatedSignUps()).isZero();
            assertThat(fresh.users()).isPositive();
        }
    }

    @Test
    void failedExtractionEndsTheSessionAndIsCountedByKind() throws Exception {
        Scenario scenario = Scenario.parse("""
                [[flow]]
                name = "lost"
                  [[flow.step]]
                  name = "list"
                  path = "/products"
                  extract.missing = "$.items[5].id"
                  [[flow.step]]
                  name = "never"
                  path = "/products/${missing}"
                """, "lost.toml");

        LoadResult result = LoadTest.builder()
                .target(shop.uri())
                .scenario(scenario)
                .profile(Profile.steady(100, Duration.ofSeconds(1)))
                .maxRequests(20)
                .connections(2)
                .build()
                .run();

        assertThat(result.errorsByKind()).containsExactly(java.util.Map.entry("extract: $.items[5].id not found", 20L));
        assertThat(result.sessions().failed()).isEqualTo(20);
        assertThat(result.steps().get(1).requests()).isZero();
    }

    @Test
    void latencyOfRequestsScheduledDuringAStallIncludesTheirWait() throws Exception {
        // a single-threaded server that, once, takes 500 ms to answer; one connection, so every
        // request due meanwhile queues behind the stalled one, as it would behind a slow server
        AtomicInteger seen = new AtomicInteger();
        AtomicLong stallStart = new AtomicLong();
        AtomicLong stallEnd = new AtomicLong();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", e -> {
            if (seen.incrementAndGet() == 20) {
                stallStart.set(System.nanoTime());
                try {
                    Thread.sleep(500); // the stall under test, not a synchronisation
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                stallEnd.set(System.nanoTime());
            }
            ShopServer.respond(e, 200, "{}");
        });
        server.setExecutor(executor);
        server.start();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        LoadResult result;
        try {
            result = LoadTest.builder()
                    .target(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .profile(Profile.steady(200, Duration.ofMillis(1500)))
                    .connections(1)
                    .observer((intendedAt, sentAt, finishedAt, status, error) ->
                            outcomes.add(new Outcome(intendedAt, sentAt, finishedAt, status, error)))
                    .build()
                    .run();
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }

        assertThat(result.responses()).isEqualTo(300);
        assertThat(result.errors()).isZero();
        long start = stallStart.get();
        long end = stallEnd.get();
        assertThat(end - start).isGreaterThanOrEqualTo(500_000_000L);
        List<Outcome> duringStall = outcomes.stream()
                .filter(o -> o.intendedAt() > start && o.intendedAt() < end)
                .toList();
        // the schedule puts a request every 5 ms, so a stall of 500 ms or more covers at least 99
        assertThat(duringStall).hasSizeGreaterThanOrEqualTo(99);
        assertThat(duringStall).allSatisfy(o -> assertThat(o.latency()).isGreaterThanOrEqualTo(end - o.intendedAt()));
        // so at least the first half of them waited 250 ms or more: over 10% of 300, which the
        // recorded histogram must show at its 90th percentile
        long waitedLong = outcomes.stream().filter(o -> o.latency() >= 250_000_000L).count();
        assertThat(waitedLong).isGreaterThanOrEqualTo(49);
        assertThat(result.latency().p90()).isGreaterThanOrEqualTo(249.0);
        assertThat(result.latency().max()).isGreaterThanOrEqualTo(499.0);
    }

    @Test
    void aSpikesRequestsAreReportedInThePhaseTheyWereDue() throws Exception {
        // 50/s for 1 s, 500/s for 1 s, 50/s for 1 s: requests 0-49 are due in the warm phase,
        // 50-549 in the spike, 550-599 in the cool phase. The server sheds requests 52-547 with a
        // 503, all of them well inside the spike, however late they are answered.
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/r/", e -> {
            long n = Long.parseLong(e.getRequestURI().getPath().substring("/r/".length()));
            ShopServer.respond(e, n >= 52 && n < 548 ? 503 : 200, "{}");
        });
        ExecutorService executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.start();
        LoadResult result;
        try {
            result = LoadTest.builder()
                    .target(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                    .scenario(Scenario.parse("""
                            [[flow]]
                            name = "numbered"
                              [[flow.step]]
                              path = "/r/${request}"
                            """, "numbered.toml"))
                    .profile(Profile.spike(50, 10, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                    .connections(8)
                    .build()
                    .run();
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }

        assertThat(result.sent()).isEqualTo(600);
        assertThat(result.phases()).extracting(LoadResult.Phase::name).containsExactly("warm", "spike", "cool");
        LoadResult.Phase warm = result.phases().get(0);
        LoadResult.Phase spike = result.phases().get(1);
        LoadResult.Phase cool = result.phases().get(2);
        assertThat(spike.fromSecond()).isEqualTo(1.0);
        assertThat(spike.toSecond()).isEqualTo(2.0);
        assertThat(warm.errorResponses().count()).isZero();
        assertThat(cool.errorResponses().count()).isZero();
        assertThat(spike.errorResponses().count()).isEqualTo(496);
        assertThat(result.phases()).allSatisfy(phase -> assertThat(phase.failures()).isZero());
        assertThat(warm.ok().count() + spike.ok().count() + cool.ok().count()).isEqualTo(104);
        // every request due at a phase boundary is in one phase or the other, never in both
        assertThat(spike.ok().count()).isBetween(3L, 5L);
        assertThat(result.summary()).contains("phase (due)").contains("spike 1-2s");
        assertThat(result.series()).anySatisfy(second -> assertThat(second.okP99()).isPositive());
    }

    @Test
    void targetThatRefusesConnectionsFailsBeforeTheStartWithOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        LoadTest test = LoadTest.builder()
                .target(URI.create("http://127.0.0.1:" + port + "/"))
                .profile(Profile.steady(100, Duration.ofSeconds(1)))
                .build();

        assertThatThrownBy(test::run)
                .isInstanceOf(TargetUnreachableException.class)
                .hasMessage("cannot connect to 127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void targetOffThisMachineIsRefusedUnlessAllowed() {
        LoadTest.Builder builder = LoadTest.builder()
                .target(URI.create("http://10.1.2.3:8080/"))
                .profile(Profile.steady(100, Duration.ofSeconds(1)));

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.1.2.3 is not a loopback address");
    }

    @Test
    void resultHasTheSameNumbersAsJsonAndASelfContainedHtmlReport() throws Exception {
        LoadResult result = LoadTest.builder()
                .target(URI.create(shop.uri() + "/products"))
                .profile(Profile.steady(100, Duration.ofMillis(1500)))
                .connections(2)
                .build()
                .run();

        JsonNode json = JsonTemplate.MAPPER.readTree(result.toJson());
        String html = result.toHtml();

        assertThat(result.responses()).isEqualTo(150);
        assertThat(json.path("responses").asLong()).isEqualTo(150);
        assertThat(json.path("latency").path("p99").asDouble()).isEqualTo(result.latency().p99());
        assertThat(json.path("series")).hasSizeGreaterThanOrEqualTo(2);
        long perSecond = 0;
        for (JsonNode second : json.path("series")) {
            perSecond += second.path("responses").asLong();
        }
        assertThat(perSecond).isEqualTo(150);
        assertThat(html).contains("echarts.init").contains("id=\"throughput\"").contains("id=\"latency\"")
                .contains("id=\"errors\"").doesNotContain("<script src");
        assertThat(html.length()).isGreaterThan(1_000_000); // the chart library is inlined
    }
}
