package io.cleave.shop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.shop.storefront.Storefront;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the shop's JSON API over real HTTP, at the address the Storefront reports, wherever it runs. */
final class ShopClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    ShopClient(Storefront storefront) {
        this(URI.create(storefront.address()));
    }

    ShopClient(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    /** Calls the API; {@code token} may be null for anonymous calls, {@code body} null for none. */
    Reply call(String method, String path, String token, String body) {
        return call(method, path, token, body, "application/json");
    }

    /** Calls the API with the body's content type given; {@code contentType} null sends none. */
    Reply call(String method, String path, String token, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            request.header("content-type", contentType);
        }
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(),
                    response.headers().firstValue("x-request-id").orElse(""),
                    response.headers().firstValue("retry-after").map(Long::parseLong).orElse(-1L));
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

    /** Puts {@code quantity} of a product in the customer's cart. */
    Reply addToCart(String token, String productId, int quantity) {
        return post("/api/cart/items", token, "{\"productId\": \"" + productId + "\", \"quantity\": " + quantity + "}");
    }

    /** Checks out the customer's cart as order {@code orderId}, paying with {@code cardNumber}. */
    Reply placeOrder(String token, String orderId, String cardNumber) {
        return post("/api/orders", token, "{\"orderId\": \"" + orderId + "\", \"cardNumber\": \"" + cardNumber + "\"}");
    }

    /** The first product a search for {@code query} finds with at least {@code atLeast} units available. */
    JsonNode findInStock(String query, int atLeast) {
        return firstInStock(get("/api/products?q=" + query + "&limit=50", null).json().get("products"), atLeast);
    }

    /** The first product in a search answer with at least {@code atLeast} units available. */
    static JsonNode firstInStock(JsonNode products, int atLeast) {
        for (JsonNode product : products) {
            if (product.get("available").asInt() >= atLeast) {
                return product;
            }
        }
        throw new AssertionError("no product with " + atLeast + " units in " + products);
    }

    /** An HTTP answer. */
    record Reply(int status, String body, String requestId, long retryAfter) {

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
