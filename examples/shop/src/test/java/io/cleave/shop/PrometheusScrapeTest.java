package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.deploy.MultiTestTopology;
import io.cleave.deploy.StatusReport;
import io.cleave.deploy.SupervisorHandle;
import io.cleave.shop.checkout.Checkout;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) scrapes the split shop with the
 * configuration {@code cleave prometheus-config} prints, and its PromQL rate of the calls to
 * Checkout is the rate the test made them at.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, topologies = "multi", shared = true)
class PrometheusScrapeTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RATE = 20;
    private static final int SECONDS = 20;
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    /** Before the shop starts: skipped loudly without Prometheus, failed under {@code CI=true}. */
    @BeforeAll
    static void requirePrometheus() {
        if (!Files.isExecutable(PROMETHEUS)) {
            String message = "Prometheus is missing (" + PROMETHEUS + "); install it with: apt-get install -y prometheus";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI=true requires it");
            }
            System.err.println("!!! SKIPPING Prometheus test: " + message);
            Assumptions.abort(message);
        }
    }

    @TopologyTest
    void prometheusMeasuresTheCheckoutCallRateTheTestDrove(Checkout checkout, App app) throws Exception {
        StatusReport status = SupervisorHandle.find(MultiTestTopology.stateDirectory(app), Optional.of(app.name())).status();
        Path dir = Files.createDirectories(Path.of("target", "prometheus-" + UUID.randomUUID()).toAbsolutePath());
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n" + status.prometheusConfig("1s"));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port + "/api/v1/";
            awaitTargetsUp(api, status.prometheusConfig("1s").split("- targets:", -1).length - 1);

            long start = System.nanoTime();
            long period = TimeUnit.SECONDS.toNanos(1) / RATE;
            for (int i = 0; i < RATE * SECONDS; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // an open-loop schedule: each call at its time
                }
                checkout.orders(UUID.randomUUID(), 1);
            }
            double driven = RATE * SECONDS / ((System.nanoTime() - start) / 1e9);
            double now = System.currentTimeMillis() / 1000.0;
            awaitScrapedAfter(api, now);
            JsonNode result = query(api, "sum(rate(cleave_calls_seconds_count{component=\"Checkout\",method=\"orders\"}[10s]))",
                    now - 2);

            assertThat(result.get("status").asText()).isEqualTo("success");
            double measured = result.at("/data/result/0/value/1").asDouble();
            assertThat(measured).as("PromQL rate vs the %.2f/s driven", driven).isCloseTo(driven, org.assertj.core.data.Percentage.withPercentage(10));
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** Waits, bounded, until Prometheus has scraped every target successfully. */
    private static void awaitTargetsUp(String api, int expected) {
        awaitValue(api, "sum(up)", up -> up == expected, "Prometheus scraping all " + expected + " targets");
    }

    /** Waits, bounded, until every target has been scraped after {@code time} (epoch seconds). */
    private static void awaitScrapedAfter(String api, double time) {
        awaitValue(api, "min(timestamp(up))", oldest -> oldest > time, "Prometheus scraping every target again");
    }

    /** Polls an instant query (at the current time) until its first value satisfies the condition. */
    private static void awaitValue(String api, String promql, DoublePredicate condition, String what) {
        Await.until(Duration.ofSeconds(60), what, () -> {
            try {
                JsonNode value = query(api, promql, System.currentTimeMillis() / 1000.0).at("/data/result/0/value/1");
                return !value.isMissingNode() && condition.test(value.asDouble());
            } catch (java.io.IOException notYet) {
                return false; // not listening yet
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static JsonNode query(String api, String promql, double time) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(api + "query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + time)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new java.io.IOException("Prometheus answered " + reply.statusCode() + ": " + reply.body());
        }
        return JSON.readTree(reply.body());
    }
}
