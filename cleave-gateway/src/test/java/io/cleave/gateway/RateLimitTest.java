package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    private static Backend backend;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        backend = new Backend("limited");
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void twoGatewaysSharingRedisAllowAClientItsRateInTotalNotTwice() throws Exception {
        String application = "ratelimit-" + UUID.randomUUID(); // the buckets' key prefix: this run's alone
        String toml = "rate-limit = \"5/s\"\nrate-limit-burst = 5\nredis-url = \"redis://127.0.0.1:6379\"\n"
                + "access-log = false\n";
        try (FrontDoor one = Gateways.start(application, toml, List.of(backend.uri()));
                FrontDoor two = Gateways.start(application, toml, List.of(backend.uri()))) {
            List<URI> both = List.of(Gateways.web(one, "/"), Gateways.web(two, "/"));
            int accepted = 0;
            List<String> retryAfter = new ArrayList<>();
            Duration window = Duration.ofSeconds(2);

            long end = System.nanoTime() + window.toNanos();
            for (int i = 0; i < 5_000 && System.nanoTime() < end; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(both.get(i % 2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    accepted++;
                } else {
                    assertThat(r.statusCode()).isEqualTo(429);
                    retryAfter.add(r.headers().firstValue("retry-after").orElse("none"));
                }
            }

            // the burst (5) plus 5/s over the 2 s window, with a little slack for timing; 2N would be 30
            assertThat(accepted).isBetween(10, 18);
            assertThat(retryAfter).isNotEmpty().allSatisfy(s -> assertThat(Integer.parseInt(s)).isBetween(1, 2));
        }
    }

    @Test
    void aRouteHasItsOwnLimitAndTheTopLevelOneAppliesElsewhere() throws Exception {
        String toml = "rate-limit = \"1000/s\"\naccess-log = false\n"
                + "[gateway.routes.\"/api/login\"]\nrate-limit = \"2/min\"\nrate-limit-burst = 2\n";
        try (FrontDoor gateway = Gateways.start("routes", toml, List.of(backend.uri()))) {
            List<Integer> login = new ArrayList<>();
            List<Integer> other = new ArrayList<>();

            for (int i = 0; i < 4; i++) {
                login.add(status(Gateways.web(gateway, "/api/login")));
                other.add(status(Gateways.web(gateway, "/api/loginx")));
            }

            assertThat(login).containsExactly(200, 200, 429, 429);
            assertThat(other).containsOnly(200);
        }
    }

    @Test
    void limitsByApiKeyWhenTheKeyIsAHeader() throws Exception {
        String toml = "rate-limit = \"1/min\"\nrate-limit-key = \"header:X-Api-Key\"\naccess-log = false\n";
        try (FrontDoor gateway = Gateways.start("keys", toml, List.of(backend.uri()))) {
            URI uri = Gateways.web(gateway, "/");

            int alice = status(HttpRequest.newBuilder(uri).header("X-Api-Key", "alice").build());
            int aliceAgain = status(HttpRequest.newBuilder(uri).header("X-Api-Key", "alice").build());
            int bob = status(HttpRequest.newBuilder(uri).header("X-Api-Key", "bob").build());

            assertThat(List.of(alice, aliceAgain, bob)).containsExactly(200, 429, 200);
        }
    }

    private int status(URI uri) throws Exception {
        return status(HttpRequest.newBuilder(uri).build());
    }

    private int status(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
