package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.gateway.GatewaySettings.ClientKey;
import io.cleave.gateway.GatewaySettings.RateLimit;
import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's Redis (rate limits, shared purges) down, hung or missing at start: the site stays
 * up. Each test runs a {@code redis-server} of its own on a free port, killed ({@code kill -9}) or
 * stopped ({@code SIGSTOP}) under it.
 */
class RedisOutageTest {

    private static final RateLimit ONE_PER_MINUTE = new RateLimit("1/min", 1, Duration.ofMinutes(1), 1,
            new ClientKey.Address());

    private static final Duration WITHIN = Duration.ofSeconds(20);

    private final List<Process> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopServers() throws Exception {
        for (Process p : servers) {
            signal("CONT", p.pid());
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHungRedisIsAskedOnceASecondWhileEveryOtherRequestPassesWithoutAsking() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        AtomicLong clock = new AtomicLong(1);
        try (RateLimits.Shared limits = new RateLimits.Shared("outage-" + UUID.randomUUID(), URI.create("redis://127.0.0.1:" + port),
                clock::get)) {
            assertThat(limits.take("*", ONE_PER_MINUTE, "a")).as("the bucket's one token").isEmpty();
            assertThat(limits.take("*", ONE_PER_MINUTE, "a")).as("then limited, by Redis").isPresent();

            signal("STOP", redis.pid());
            long before = limits.asked();
            assertThat(limits.take("*", ONE_PER_MINUTE, "a")).as("Redis times out: let through").isEmpty();
            for (int i = 0; i < 50; i++) {
                assertThat(limits.take("*", ONE_PER_MINUTE, "a" + i)).isEmpty();
            }
            assertThat(limits.asked() - before).as("Redis asked within the second after it failed").isEqualTo(1);

            clock.addAndGet(RateLimits.RETRY_EVERY_NANOS);
            assertThat(limits.take("*", ONE_PER_MINUTE, "a")).as("asked again a second later, still hung").isEmpty();
            assertThat(limits.asked() - before).isEqualTo(2);

            signal("CONT", redis.pid());
            clock.addAndGet(RateLimits.RETRY_EVERY_NANOS);
            Await.until(WITHIN, "limits applied again once Redis answers", () -> {
                clock.addAndGet(RateLimits.RETRY_EVERY_NANOS);
                return limits.take("*", ONE_PER_MINUTE, "a").isPresent();
            });
        }
    }

    @Test
    void aRedisKilledLetsRequestsThroughAndOneDownAtStartDoesNotStopTheGateway() throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        try (Backend backend = new Backend("outage");
                FrontDoor gateway = Gateways.start("outage-" + UUID.randomUUID(), "rate-limit = \"1/min\"\nredis-url ="
                        + " \"redis://127.0.0.1:" + port + "\"\naccess-log = false\n", List.of(backend.uri()))) {
            URI web = Gateways.web(gateway, "/");
            assertThat(status(web)).isEqualTo(200);
            assertThat(status(web)).as("the limit, kept in Redis").isEqualTo(429);

            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
            for (int i = 0; i < 5; i++) {
                assertThat(status(web)).as("Redis gone: let through").isEqualTo(200);
            }
        }

        // nothing listens on the port now: the gateway starts all the same and limits once Redis is up
        try (Backend backend = new Backend("outage");
                FrontDoor gateway = Gateways.start("outage-" + UUID.randomUUID(), "rate-limit = \"1/min\"\nredis-url ="
                        + " \"redis://127.0.0.1:" + port + "\"\naccess-log = false\n", List.of(backend.uri()))) {
            URI web = Gateways.web(gateway, "/");
            assertThat(status(web)).as("no Redis yet").isEqualTo(200);
            assertThat(status(web)).as("no Redis yet").isEqualTo(200);
            startRedis(port);
            Await.until(WITHIN, "the limit applied once Redis is up", () -> status(web) == 429);
        }
    }

    @Test
    void gatewaysStartedBeforeTheirRedisShareEdgePurgesOnceItIsUp() throws Exception {
        int port = freePort(); // nothing listens yet
        String toml = "redis-url = \"redis://127.0.0.1:" + port + "\"\naccess-log = false\n"
                + "[gateway.routes.\"/api/products\"]\ncache-ttl = \"1h\"\n";
        String application = "outage-" + UUID.randomUUID();
        String path = "/api/products/SKU-1";
        try (Origin origin = new Origin();
                FrontDoor one = Gateways.start(application, toml, List.of(origin.uri()));
                FrontDoor two = Gateways.start(application, toml, List.of(origin.uri()))) {
            assertThat(status(Gateways.web(two, path))).as("serving without its Redis").isEqualTo(200);
            Await.until(WITHIN, "the answer kept", () -> two.cache().responses() == 1);

            startRedis(port);
            // each gateway subscribes within a second of Redis coming up; a purge published before
            // the other one did is lost, so ask again until one reaches it
            Await.until(WITHIN, "a purge through one gateway reaches the other", () -> {
                HttpResponse<String> purged = purge(one, path);
                return purged.statusCode() == 200 && purged.body().contains("told through Redis")
                        && two.cache().responses() == 0;
            });
        }
    }

    private HttpResponse<String> purge(FrontDoor gateway, String path) {
        try {
            return http.send(HttpRequest.newBuilder(Gateways.web(gateway, EdgeCache.PURGE_PATH))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"" + path + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process startRedis(int port) throws Exception {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        servers.add(p);
        Await.until(WITHIN, "redis-server on port " + port, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return s.isConnected();
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
