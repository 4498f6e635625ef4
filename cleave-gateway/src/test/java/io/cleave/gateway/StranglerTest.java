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
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The strangler fig: a legacy application behind the gateway whose routes the app takes over one by one. */
class StranglerTest {

    private static final String ALL_TO_LEGACY = """
            [routes]
            "/" = "legacy"              # everything the app does not serve yet
            """;
    private static final String PRODUCTS_MOVED = """
            [routes]
            "/" = "legacy"
            "/api/products" = "app"     # moved: served by the app
            """;

    @TempDir
    Path dir;
    private Path file;
    private Backend app;
    private Backend legacy;
    private FrontDoor gateway;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void backends() throws Exception {
        app = new Backend("app");
        legacy = new Backend("legacy");
        file = dir.resolve("gateway-routes.toml");
    }

    private void startGateway(String table) throws Exception {
        RouteFile.write(file, table);
        gateway = Gateways.start("strangler", "access-log = false\nroute-table = \"" + file + "\"\n"
                + "[gateway.upstreams]\nlegacy = \"" + legacy.uri() + "\"\n", List.of(app.uri()));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        app.close();
        legacy.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(Gateways.web(gateway, path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sendsEachPathToItsLongestPrefixsUpstream() throws Exception {
        startGateway(PRODUCTS_MOVED);

        HttpResponse<String> about = get("/about");
        HttpResponse<String> product = get("/api/products/7");
        HttpResponse<String> search = get("/api/productsearch?q=tea");

        assertThat(about.body()).isEqualTo("legacy");
        assertThat(about.headers().firstValue("X-Cleave-Upstream")).hasValue("legacy");
        assertThat(product.body()).isEqualTo("app");
        assertThat(product.headers().firstValue("X-Cleave-Upstream")).hasValue("app");
        assertThat(search.body()).isEqualTo("legacy");
    }

    @Test
    void neverShowsTheGatewaysTokenToTheLegacyApplication() throws Exception {
        startGateway(PRODUCTS_MOVED);

        HttpResponse<String> headers = http.send(HttpRequest.newBuilder(Gateways.web(gateway, "/headers"))
                .header("Cleave-Gateway-Token", "a-guess").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(headers.headers().firstValue("X-Cleave-Upstream")).hasValue("legacy");
        assertThat(headers.body()).contains("x-forwarded-for: 127.0.0.1\n").doesNotContain("cleave-gateway-token");
    }

    @Test
    void movesARouteToTheAppUnderLoadWithoutAFailedRequest() throws Exception {
        startGateway(ALL_TO_LEGACY);
        int clients = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        AtomicIntegerArray sentAfterSwitch = new AtomicIntegerArray(clients);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> legacyAfterSwitch = new ConcurrentLinkedQueue<>();
        AtomicInteger legacyBeforeSwitch = new AtomicInteger();
        URI products = Gateways.web(gateway, "/api/products");

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000 && !stop.get(); i++) {
                        boolean switched = gateway.router().applied() > 0; // before sending: a request after the switch
                        HttpResponse<String> r;
                        try {
                            r = http.send(HttpRequest.newBuilder(products).build(), HttpResponse.BodyHandlers.ofString());
                        } catch (Exception e) {
                            failures.add(e.toString());
                            continue;
                        }
                        sent.incrementAndGet();
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        } else if (switched) {
                            sentAfterSwitch.incrementAndGet(client);
                            if (!r.body().equals("app") || !r.headers().firstValue("X-Cleave-Upstream").equals(
                                    Optional.of("app"))) {
                                legacyAfterSwitch.add(r.body());
                            }
                        } else if (r.body().equals("legacy")) {
                            legacyBeforeSwitch.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Await.until(Duration.ofSeconds(10), "the clients sent 200 requests", () -> sent.get() >= 200);

            RouteFile.write(file, PRODUCTS_MOVED);
            Await.until(Duration.ofSeconds(5), "the edit is applied", () -> gateway.router().applied() == 1);
            Await.until(Duration.ofSeconds(20), "every client sent 100 requests after the switch", () -> {
                for (int c = 0; c < clients; c++) {
                    if (sentAfterSwitch.get(c) < 100) {
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

        assertThat(failures).isEmpty();
        assertThat(legacyBeforeSwitch.get()).isGreaterThan(0);
        assertThat(legacyAfterSwitch).isEmpty();
        assertThat(get("/about").body()).isEqualTo("legacy");
    }

    @Test
    void aBadEditIsRefusedWithFileAndLineAndTheOldTableStays() throws Exception {
        startGateway(PRODUCTS_MOVED);
        RouteTable before = gateway.router().table();

        try (RouteFile.Log log = new RouteFile.Log()) {
            RouteFile.write(file, """
                    [routes]
                    "/" = "legacy"
                    "/api/products" = "lgacy"
                    """);
            Await.until(Duration.ofSeconds(5), "the edit is refused", () -> gateway.router().refused() == 1);

            assertThat(gateway.router().table()).isEqualTo(before);
            assertThat(get("/api/products").body()).isEqualTo("app");
            assertThat(get("/about").body()).isEqualTo("legacy");
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("gateway: " + file + ":3: [routes] \"/api/products\" = \"lgacy\": no upstream is named"
                            + " \"lgacy\"")
                    .contains("edit refused, the previous route table stays in force"));
        }
    }

    @Test
    void aFixedEditAfterARefusedOneApplies() throws Exception {
        startGateway(ALL_TO_LEGACY);
        RouteFile.write(file, "[routes]\n\"/\" = \"legacy\"\n\"/api/products\" = app\n");
        Await.until(Duration.ofSeconds(5), "the edit is refused", () -> gateway.router().refused() == 1);

        RouteFile.write(file, PRODUCTS_MOVED);
        Await.until(Duration.ofSeconds(5), "the fix is applied", () -> gateway.router().applied() == 1);

        assertThat(get("/api/products").body()).isEqualTo("app");
    }
}
