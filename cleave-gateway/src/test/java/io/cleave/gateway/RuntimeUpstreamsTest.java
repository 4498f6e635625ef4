package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named upstreams of the route table file ({@code [upstreams]}), added, moved and removed while
 * requests flow: no request fails, replicas removed are no longer probed and close their connections.
 */
class RuntimeUpstreamsTest {

    private static final int CLIENTS = 4;
    /** Each client's bound: the load stops well before unless a wait fails. */
    private static final int MOST_PER_CLIENT = 20_000;

    private static Backend app;
    private static Backend legacy;
    private static Backend legacyMoved;
    private static Backend v3;
    private static Backend old;
    private static Relay toLegacy;
    private static Relay toOld;

    @TempDir
    Path dir;
    private Path file;
    private FrontDoor gateway;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void backends() throws Exception {
        app = new Backend("app");
        legacy = new Backend("legacy");
        legacyMoved = new Backend("legacy-moved");
        v3 = new Backend("v3");
        old = new Backend("old");
        toLegacy = new Relay(legacy.uri());
        toOld = new Relay(old.uri());
    }

    @AfterAll
    static void stopBackends() throws Exception {
        toLegacy.close();
        toOld.close();
        for (Backend b : List.of(app, legacy, legacyMoved, v3, old)) {
            b.close();
        }
    }

    /** A gateway whose cleave.toml names {@code legacy} (through its relay) and whose route table is {@code table}. */
    private void startGateway(String table) throws Exception {
        file = dir.resolve("gateway-routes.toml");
        RouteFile.write(file, table);
        gateway = Gateways.start("upstreams", "access-log = false\nroute-table = \"" + file + "\"\n"
                + "[gateway.upstreams]\nlegacy = \"" + toLegacy.uri() + "\"\n", List.of(app.uri()));
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(Gateways.web(gateway, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What a client saw: whether the edit was applied before it sent, and the answer. */
    private record Seen(boolean afterEdit, int status, String body, String upstream) {
    }

    /**
     * Sends requests for {@code path} from {@link #CLIENTS} clients while the route table file is
     * replaced by {@code edit}, until each client has had 50 answers sent after the edit applied.
     *
     * @return every answer; failures (exceptions, non-200) are in it as status 0 or the status
     */
    private List<Seen> underLoad(String path, String edit) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        AtomicIntegerArray afterEdit = new AtomicIntegerArray(CLIENTS);
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        long appliedBefore = gateway.router().applied();
        URI target = Gateways.web(gateway, path);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < MOST_PER_CLIENT && !stop.get(); i++) {
                        boolean applied = gateway.router().applied() > appliedBefore; // read before sending
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(target).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            seen.add(new Seen(applied, r.statusCode(), r.body(),
                                    r.headers().firstValue("X-Cleave-Upstream").orElse("-")));
                        } catch (Exception e) {
                            seen.add(new Seen(applied, 0, e.toString(), "-"));
                        }
                        sent.incrementAndGet();
                        if (applied) {
                            afterEdit.incrementAndGet(client);
                        }
                    }
                    return null;
                }));
            }
            Await.until(Duration.ofSeconds(10), "the clients sent 200 requests", () -> sent.get() >= 200);

            RouteFile.write(file, edit);
            Await.until(Duration.ofSeconds(5), "the edit is applied", () -> gateway.router().applied() > appliedBefore);
            Await.until(Duration.ofSeconds(20), "every client had 50 answers after the edit", () -> {
                for (int c = 0; c < CLIENTS; c++) {
                    if (afterEdit.get(c) < 50) {
                        return false;
                    }
                }
                return true;
            });
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
        }
        return List.copyOf(seen);
    }

    private static List<Seen> failed(List<Seen> seen) {
        return seen.stream().filter(s -> s.status() != 200).toList();
    }

    @Test
    void anUpstreamAddedAtRunTimeTakesAPrefixUnderLoadWithoutAFailedRequest() throws Exception {
        startGateway("""
                [routes]
                "/" = "legacy"
                """);

        List<Seen> seen = underLoad("/api/reviews/7", """
                [upstreams]
                v3 = "%s"
                [routes]
                "/" = "legacy"
                "/api/reviews" = "v3"
                """.formatted(v3.uri()));

        assertThat(failed(seen)).isEmpty();
        assertThat(seen).filteredOn(s -> !s.afterEdit()).isNotEmpty().allSatisfy(s -> assertThat(s.body())
                .isIn("legacy", "v3"));
        assertThat(seen).filteredOn(Seen::afterEdit).hasSizeGreaterThanOrEqualTo(CLIENTS * 50)
                .allSatisfy(s -> assertThat(s).extracting(Seen::body, Seen::upstream).containsExactly("v3", "v3"));
        assertThat(get("/about").body()).isEqualTo("legacy");
        assertThat(gateway.router().named()).containsOnlyKeys("legacy", "v3");
    }

    @Test
    void anUpstreamMovedToOtherHostsUnderLoadLosesNoRequestAndClosesTheOldConnections() throws Exception {
        startGateway("""
                [routes]
                "/" = "legacy"
                """);
        Upstreams before = gateway.router().named().get("legacy");
        Replica oldReplica = before.all().get(0);

        List<Seen> seen = underLoad("/about", """
                [upstreams]
                legacy = "%s"                  # in place of cleave.toml's
                [routes]
                "/" = "legacy"
                """.formatted(legacyMoved.uri()));

        assertThat(failed(seen)).isEmpty();
        assertThat(seen).filteredOn(s -> !s.afterEdit()).extracting(Seen::body).contains("legacy");
        assertThat(seen).filteredOn(Seen::afterEdit).allSatisfy(s -> assertThat(s).extracting(Seen::body, Seen::upstream)
                .containsExactly("legacy-moved", "legacy"));
        assertThat(gateway.router().named().get("legacy")).isSameAs(before);
        assertThat(before.uris()).containsExactly(legacyMoved.uri());
        Await.until(Duration.ofSeconds(10), "the old replica's pooled connections and probes are closed",
                () -> oldReplica.closed() && toLegacy.open.get() == 0);
    }

    @Test
    void removingTheFilesUpstreamGivesCleaveTomlsBack() throws Exception {
        startGateway("""
                [upstreams]
                legacy = "%s"
                [routes]
                "/" = "legacy"
                """.formatted(legacyMoved.uri()));
        assertThat(get("/about").body()).isEqualTo("legacy-moved");

        RouteFile.write(file, """
                [routes]
                "/" = "legacy"
                """);
        Await.until(Duration.ofSeconds(5), "the edit is applied", () -> gateway.router().applied() == 1);

        assertThat(get("/about").body()).isEqualTo("legacy");
    }

    @Test
    void anUpstreamRemovedFinishesItsRequestInFlightThenIsNoLongerProbedAndClosesItsConnections() throws Exception {
        startGateway("""
                [upstreams]
                old = "%s"
                [routes]
                "/" = "legacy"
                "/old" = "old"
                "/block" = "old"
                """.formatted(toOld.uri()));
        assertThat(get("/old/page").body()).isEqualTo("old"); // a pooled connection now
        Await.until(Duration.ofSeconds(5), "the old upstream is probed", () -> old.probes.get() > 0);
        int blockedBefore = old.blocked.get();
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
                Gateways.web(gateway, "/block")).build(), HttpResponse.BodyHandlers.ofString());
        Await.until(Duration.ofSeconds(5), "the request is in flight", () -> old.blocked.get() > blockedBefore);
        Replica removed = gateway.router().named().get("old").all().get(0);

        RouteFile.write(file, """
                [routes]
                "/" = "legacy"
                """);
        Await.until(Duration.ofSeconds(5), "the edit is applied", () -> gateway.router().applied() == 1);

        assertThat(get("/old/page").body()).isEqualTo("legacy");
        assertThat(gateway.router().named()).containsOnlyKeys("legacy");
        assertThat(removed.closed()).as("closed under a request in flight").isFalse();
        old.release();
        assertThat(inFlight.get().statusCode()).isEqualTo(200);
        assertThat(inFlight.get().body()).isEqualTo("old");
        Await.until(Duration.ofSeconds(10), "the removed replica's connections are closed",
                () -> removed.closed() && toOld.open.get() == 0);
        // rounds of the probe begun before the edit are over once legacy has had two more
        int legacyProbes = legacy.probes.get();
        Await.until(Duration.ofSeconds(10), "two more probe rounds", () -> legacy.probes.get() >= legacyProbes + 2);
        int connections = toOld.accepted.get();
        Await.until(Duration.ofSeconds(10), "three more probe rounds", () -> legacy.probes.get() >= legacyProbes + 5);
        assertThat(toOld.accepted.get()).as("connections to the removed upstream").isEqualTo(connections);
    }

    @Test
    void badUpstreamEntriesAreRefusedWithFileLineAndKeyAndTheTableInForceStays() throws Exception {
        startGateway("""
                [upstreams]
                v3 = "%s"
                [routes]
                "/" = "legacy"
                "/api/reviews" = "v3"
                """.formatted(v3.uri()));
        RouteTable table = gateway.router().table();
        Map<String, Upstreams> named = gateway.router().named();
        List<String> edits = List.of(
                "[routes]\n\"/\" = \"legacy\"\n[upstreams]\nv3 = \"http://127.0.0.1\"\n",
                "[routes]\n\"/\" = \"legacy\"\n[upstreams]\nv3 = \"" + v3.uri() + "/v3\"\n",
                "[routes]\n\"/\" = \"legacy\"\n[upstreams]\nv3 = \"\"\n",
                "[routes]\n\"/\" = \"legacy\"\n[upstreams]\nv3 = \"" + v3.uri() + "," + v3.uri() + "\"\n",
                "[routes]\n\"/\" = \"legacy\"\n[upstreams]\nV4 = \"" + v3.uri() + "\"\n",
                "[routes]\n\"/\" = \"legacy\"\n\"/api/reviews\" = \"v4\"\n[upstreams]\nv3 = \"" + v3.uri() + "\"\n");
        List<String> expected = List.of(
                ":4: [upstreams] v3 = \"http://127.0.0.1\": \"http://127.0.0.1\" is not a base URL http://host:port",
                ":4: [upstreams] v3 = \"" + v3.uri() + "/v3\": \"" + v3.uri() + "/v3\" is not a base URL",
                ":4: [upstreams] v3 = \"\": \"\" is not a base URL",
                ":4: [upstreams] v3 = \"" + v3.uri() + "," + v3.uri() + "\": " + v3.uri() + " is given twice",
                ":4: [upstreams] V4: an upstream's name is lower-case letters",
                ":3: [routes] \"/api/reviews\" = \"v4\": no upstream is named \"v4\" (known: app, legacy, v3;");

        try (RouteFile.Log log = new RouteFile.Log()) {
            for (int i = 0; i < edits.size(); i++) {
                int refused = i + 1;
                RouteFile.write(file, edits.get(i));
                Await.until(Duration.ofSeconds(5), "edit " + refused + " is refused",
                        () -> gateway.router().refused() == refused);

                String line = "gateway: " + file + expected.get(i);
                assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith(line)
                        .contains("edit refused, the previous route table stays in force"));
            }
        }

        assertThat(gateway.router().applied()).isZero();
        assertThat(gateway.router().table()).isEqualTo(table);
        assertThat(gateway.router().named()).isEqualTo(named);
        assertThat(get("/api/reviews").body()).isEqualTo("v3");
        assertThat(get("/about").body()).isEqualTo("legacy");
    }
}
