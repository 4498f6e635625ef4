package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BalancingTest {

    private static final List<Backend> backends = new ArrayList<>();
    private static FrontDoor gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            backends.add(new Backend(name));
        }
        gateway = Gateways.start("balancing", "access-log = false\n", backends.stream().map(Backend::uri).toList());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backends.forEach(Backend::close);
    }

    @Test
    void spreadsRequestsOverThreeReplicas() throws Exception {
        Map<String, Integer> byBackend = new ConcurrentHashMap<>();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        HttpResponse<String> r = http.send(get("/"), HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).isEqualTo(200);
                        byBackend.merge(r.body(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        }

        assertThat(byBackend).containsOnlyKeys("a", "b", "c");
        assertThat(byBackend.values()).allSatisfy(n -> assertThat(n).isGreaterThan(100));
    }

    @Test
    void forwardsWhoAskedAndStripsHopByHopHeaders() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(Gateways.web(gateway, "/headers?x=%2F"))
                .header("X-Forwarded-For", "203.0.113.9").header("X-Request-Id", "req-42")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .header("Keep-Alive", "timeout=5").header("Cleave-Gateway-Token", "a-guess").build();

        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-request-id")).hasValue("req-42");
        assertThat(r.body()).contains("x-forwarded-for: 203.0.113.9, 127.0.0.1\n", "x-forwarded-proto: http\n",
                "x-forwarded-host: 127.0.0.1:" + gateway.port("web") + "\n", "x-request-id: req-42\n",
                "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n",
                "cleave-gateway-token: " + Gateways.TOKEN + "\n") // the client's guess replaced by the gateway's own
                .doesNotContain("keep-alive:", "a-guess");
    }

    @Test
    void streamsALargeBodyBothWays() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }

        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(Gateways.web(gateway, "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void answers503WithAReasonWhenAListenerHasNoReplica() throws Exception {
        try (FrontDoor empty = Gateways.start("empty", "", List.of())) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(Gateways.web(empty, "/")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("listener web has no replica ready");
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        }
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(Gateways.web(gateway, path)).timeout(Duration.ofSeconds(10)).build();
    }

    static URI uri(String path) {
        return Gateways.web(gateway, path);
    }
}
