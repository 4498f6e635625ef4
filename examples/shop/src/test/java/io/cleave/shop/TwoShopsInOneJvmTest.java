package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.shop.storefront.Storefront;
import io.cleave.spi.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two applications of one name in one JVM — what a test class's topologies are, and what classes
 * sharing an application run beside — each keep the spans of the requests they serve: a request
 * to the first is in the first's {@code /traces} only, one to the second in the second's only.
 */
class TwoShopsInOneJvmTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void eachKeepsTheSpansOfTheRequestsItServes() throws Exception {
        try (App first = start(directory.resolve("first")); App second = start(directory.resolve("second"))) {
            String toFirst = "/api/products/SKU-00001";
            String toSecond = "/api/products/SKU-00002";
            assertThat(get(first.component(Storefront.class).address(), toFirst)).isEqualTo(200);
            assertThat(get(second.component(Storefront.class).address(), toSecond)).isEqualTo(200);

            Await.until(Duration.ofSeconds(10), "each request's span in its application's /traces",
                    () -> requests(first).contains("GET " + toFirst) && requests(second).contains("GET " + toSecond),
                    () -> "first: " + requests(first) + ", second: " + requests(second));
            assertThat(requests(first)).as("the first's spans").doesNotContain("GET " + toSecond);
            assertThat(requests(second)).as("the second's spans").doesNotContain("GET " + toFirst);
        }
    }

    private static App start(Path dataDirectory) {
        Cleave.Builder builder = Cleave.app().config(Path.of(ShopSettings.CONFIG)).deployer("single");
        ShopSettings.FAST.forEach(builder::set);
        builder.set("app.data-dir", "\"" + dataDirectory.toAbsolutePath().toString().replace("\\", "\\\\") + "\"");
        builder.set("observe.trace-sample-ratio", "1");
        return builder.start();
    }

    private static int get(String base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base).resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The names of the server spans in the application's {@code /traces}. */
    private static List<String> requests(App app) {
        try {
            HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(app.endpoints().get("traces")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            List<String> names = new ArrayList<>();
            for (JsonNode span : JSON.readTree(reply.body()).get("spans")) {
                if (span.get("kind").asText().equals("SERVER")) {
                    names.add(span.get("name").asText());
                }
            }
            return names;
        } catch (Exception e) {
            throw new AssertionError("cannot read " + app.endpoints().get("traces"), e);
        }
    }
}
