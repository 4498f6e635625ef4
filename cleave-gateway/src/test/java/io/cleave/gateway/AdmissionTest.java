package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void overTheConcurrencyLimitAnswers503AtOnce() throws Exception {
        try (Backend backend = new Backend("slow");
                FrontDoor gateway = Gateways.start("admission", "concurrency-limit = \"2\"\n", List.of(backend.uri()))) {
            HttpRequest block = HttpRequest.newBuilder(Gateways.web(gateway, "/block")).timeout(Duration.ofSeconds(20)).build();
            CompletableFuture<HttpResponse<String>> first = http.sendAsync(block, HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> second = http.sendAsync(block, HttpResponse.BodyHandlers.ofString());
            Await.until(Duration.ofSeconds(10), "two requests held by the backend", () -> backend.blocked.get() == 2);

            long start = System.nanoTime();
            HttpResponse<String> third = http.send(HttpRequest.newBuilder(Gateways.web(gateway, "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            backend.release();

            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("retry-after")).hasValue("1");
            assertThat(third.body()).contains("concurrency limit");
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(second.get().statusCode()).isEqualTo(200);
        }
    }
}
