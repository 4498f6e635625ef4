package io.cleave.shop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.shop.storefront.Storefront;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole shop, started once for a test class through Cleave's public API, on a free port and
 * a fresh data directory, with an HTTP client for its JSON API.
 */
final class RunningShop implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final App app;
    private final Path dataDir;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningShop(App app, Path dataDir) {
        this.app = app;
        this.dataDir = dataDir;
        this.base = URI.create(app.component(Storefront.class).address());
    }

    /** Starts the shop with fast test settings; {@code settings} override them (dotted keys, TOML values). */
    static RunningShop start(Topology topology, Map<String, String> settings) {
        try {
            return start(topology, Files.createTempDirectory("shop-test-"), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the shop on an existing data directory, as after a restart. */
    static RunningShop start(Topology topology, Path dataDir, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Users.password-iterations", "1000");
        all.put("Payments.latency", "\"0ms\"");
        all.putAll(settings);
        Cleave.Builder builder = Cleave.app()
                .configText("""
                        [app]
                        name = "shop"
                        data-dir = "%s"

                        [listeners]
                        web = "127.0.0.1:0"
                        """.formatted(dataDir.toString().replace("\\", "\\\\")))
                .serializeCalls(topology.serializeCalls());
        all.forEach(builder::set);
        return new RunningShop(builder.start(), dataDir);
    }

    <T> T component(Class<T> type) {
        return app.component(type);
    }

    URI base() {
        return base;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Calls the API; {@code token} may be null for anonymous calls, {@code body} null for none. */
    Reply call(String method, String path, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(),
                    response.headers().firstValue("x-request-id").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path, String token) {
        return call("GET", path, token, null);
    }

    Reply post(String path, String token, String body) {
        return call("POST", path, token, body);
    }

    /** Signs up a new customer and returns the session token. */
    String signUp(String email) {
        Reply reply = post("/api/users", null, """
                {"email": "%s", "password": "correct horse battery", "name": "Test Customer"}""".formatted(email));
        if (reply.status() != 201) {
            throw new AssertionError("sign-up failed: " + reply);
        }
        return reply.json().get("token").asText();
    }

    /** Stops the shop without deleting its data, so it can start again on the same directory. */
    void stop() {
        app.close();
    }

    @Override
    public void close() {
        app.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP answer. */
    record Reply(int status, String body, String requestId) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String error() {
            return json().path("error").asText();
        }
    }
}
