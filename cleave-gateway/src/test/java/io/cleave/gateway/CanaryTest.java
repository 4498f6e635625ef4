package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A share of clients on a new version, each staying on its side; the share changed at run time. */
class CanaryTest {

    @TempDir
    Path dir;
    private Path file;
    private Backend app;
    private Backend v2;
    private FrontDoor gateway;
    // no cookie handler: every request is a new client unless it sends a cookie itself
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static String canary(int weight) {
        return """
                [canary]
                upstream = "v2"
                weight = %d
                header = "X-Canary"
                """.formatted(weight);
    }

    @BeforeEach
    void start() throws Exception {
        app = new Backend("app");
        v2 = new Backend("v2");
        file = dir.resolve("gateway-routes.toml");
        RouteFile.write(file, canary(10));
        gateway = Gateways.start("canary", "access-log = false\nroute-table = \"" + file + "\"\n"
                + "[gateway.upstreams]\nv2 = \"" + v2.uri() + "\"\n", List.of(app.uri()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        app.close();
        v2.close();
    }

    /** One request, as a client holding {@code cookie} (empty: none) and sending these headers. */
    private HttpResponse<String> get(String cookie, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(Gateways.web(gateway, "/api/products"));
        if (!cookie.isEmpty()) {
            b.header("Cookie", "theme=dark; " + cookie);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String side(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Cleave-Upstream")).hasValue(r.body());
        return r.body();
    }

    private static String cookieOf(HttpResponse<String> r) {
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("cleave-canary=").contains("; Path=/", "; HttpOnly");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void tenPercentOfNewClientsGoToTheCanaryAndEachStaysOnItsSide() throws Exception {
        List<String> clientsAndSides = new ArrayList<>();
        AtomicInteger onCanary = new AtomicInteger();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> clients = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                clients.add(pool.submit(() -> {
                    HttpResponse<String> r = get("");
                    String side = side(r);
                    if (side.equals("v2")) {
                        onCanary.incrementAndGet();
                    }
                    return cookieOf(r) + "=" + side;
                }));
                if (clients.size() % 16 == 0) {
                    clients.get(clients.size() - 16).get(); // at most 16 in flight on this small machine
                }
            }
            for (Future<String> f : clients) {
                clientsAndSides.add(f.get());
            }
        }

        assertThat(onCanary.get()).isBetween(140, 260); // 10% ± 3% of 2,000
        for (String entry : clientsAndSides) {
            String cookie = entry.substring(0, entry.lastIndexOf('='));
            String first = entry.substring(entry.lastIndexOf('=') + 1);
            HttpResponse<String> again = get(cookie);
            assertThat(side(again)).as("client %s", cookie).isEqualTo(first);
            assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void theHeaderForcesEitherSide() throws Exception {
        HttpResponse<String> always = get("cleave-canary=99", "X-Canary", "always");
        HttpResponse<String> never = get("cleave-canary=0", "X-Canary", "Never");

        assertThat(side(always)).isEqualTo("v2");
        assertThat(side(never)).isEqualTo("app");
        assertThat(side(get("cleave-canary=99"))).isEqualTo("app");
        assertThat(side(get("cleave-canary=0"))).isEqualTo("v2");
    }

    @Test
    void raisingTheWeightUnderLoadFailsNothingAndKeepsCanaryClientsOnTheCanary() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> wrongSide = new ConcurrentLinkedQueue<>();
        AtomicInteger afterChange = new AtomicInteger();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000 && !stop.get(); i++) {
                        int draw = (client * 25 + i) % 100;
                        boolean changed = gateway.router().applied() > 0;
                        HttpResponse<String> r;
                        try {
                            r = get("cleave-canary=" + draw);
                        } catch (Exception e) {
                            failures.add(e.toString());
                            continue;
                        }
                        sent.incrementAndGet();
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                            continue;
                        }
                        if (changed) {
                            afterChange.incrementAndGet();
                        }
                        boolean canary = r.body().equals("v2");
                        // before the change only draws under 10 are on v2; after it, those under 50 are;
                        // a request racing the swap may see either, but a draw under 10 is on v2 throughout
                        if ((draw < 10 && !canary) || (draw >= 50 && canary) || (changed && draw < 50 && !canary)) {
                            wrongSide.add(draw + " -> " + r.body() + (changed ? " after" : " before"));
                        }
                    }
                    return null;
                }));
            }
            Await.until(Duration.ofSeconds(10), "the clients sent 200 requests", () -> sent.get() >= 200);

            RouteFile.write(file, canary(50));
            Await.until(Duration.ofSeconds(5), "the new weight is applied", () -> gateway.router().applied() == 1);
            Await.until(Duration.ofSeconds(20), "400 requests after the change", () -> afterChange.get() >= 400);
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
        }

        assertThat(failures).isEmpty();
        assertThat(wrongSide).isEmpty();
    }

    @Test
    void weightHundredSendsEveryoneToTheCanaryAndZeroNobodyWhateverTheirCookie() throws Exception {
        RouteFile.write(file, canary(100));
        Await.until(Duration.ofSeconds(5), "weight 100 applied", () -> gateway.router().applied() == 1);
        List<String> atHundred = new ArrayList<>();
        for (int draw = 0; draw < 100; draw += 9) {
            atHundred.add(side(get("cleave-canary=" + draw)));
        }

        RouteFile.write(file, canary(0));
        Await.until(Duration.ofSeconds(5), "weight 0 applied", () -> gateway.router().applied() == 2);
        List<String> atZero = new ArrayList<>();
        for (int draw = 0; draw < 100; draw += 9) {
            atZero.add(side(get("cleave-canary=" + draw)));
        }

        assertThat(atHundred).containsOnly("v2");
        assertThat(atZero).containsOnly("app");
    }

    @Test
    void aCookieThatIsNoDrawIsReplacedByANewOne() throws Exception {
        HttpResponse<String> r = get("cleave-canary=v2");

        assertThat(cookieOf(r)).matches("cleave-canary=\\d{1,2}");
    }
}
