package io.cleave.shop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.Cleave;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The services configuration in one process ({@code single}, the gateway in it in front of the
 * storefront) with edge cache settings added, for the edge cache's tests; and what they ask of it.
 */
record EdgeShop(App app, ShopClient client) implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Starts it.
     *
     * @param edge TOML appended to {@code cleave-services.toml}
     * @param overrides further {@code --set} overrides, key to TOML value
     */
    static EdgeShop start(Path directory, String edge, Map<String, String> overrides) throws IOException {
        Path config = directory.resolve("edge.toml");
        Files.writeString(config, Files.readString(Path.of(ShopSettings.CONFIG)) + edge);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Cleave.Builder builder = Cleave.app().config(config).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("data") + "\"")
                .set("listeners.web", "127.0.0.1:" + port);
        fast(builder);
        overrides.forEach(builder::set);
        return new EdgeShop(builder.start(), new ShopClient(URI.create("http://127.0.0.1:" + port)));
    }

    /** The tests' fast settings, but their listener address. */
    static void fast(Cleave.Builder builder) {
        ShopSettings.FAST.forEach((key, value) -> {
            if (!key.startsWith("listeners.")) {
                builder.set(key, value);
            }
        });
    }

    /** {@code GET path} through the gateway, with a session cookie when {@code token} is not null. */
    HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(client.base().resolve(path)).timeout(Duration.ofSeconds(15));
        if (token != null) {
            request.header("Cookie", "sid=" + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether an answer came from the gateway's memory. */
    static boolean hit(HttpResponse<String> page) {
        return "HIT".equals(page.headers().firstValue("x-cache").orElse(""));
    }

    /** The price on a product page. */
    static BigDecimal price(HttpResponse<String> page) {
        try {
            JsonNode product = JSON.readTree(page.body()).get("product");
            return product.get("price").decimalValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
