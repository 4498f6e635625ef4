package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny shop on 127.0.0.1 for the end-to-end tests. It checks the data flow of every request:
 * a cart needs a token it issued and the product id it listed, a checkout needs that token's
 * cart. Anything else is a 400 and counted as {@link #rejected()}.
 */
final class ShopServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicInteger users = new AtomicInteger();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> cartOfToken = new ConcurrentHashMap<>();
    private final AtomicInteger checkouts = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final Set<String> emails = ConcurrentHashMap.newKeySet();
    private final AtomicInteger repeatedSignUps = new AtomicInteger();
    private final Set<InetSocketAddress> clients = ConcurrentHashMap.newKeySet();

    ShopServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/users", this::signUp).getFilters().add(countClients());
        server.createContext("/products", e -> respond(e, 200, "{\"items\":[{\"id\":7,\"name\":\"lamp\"},{\"id\":9}]}"))
                .getFilters().add(countClients());
        server.createContext("/cart", this::addToCart).getFilters().add(countClients());
        server.createContext("/checkout", this::checkOut).getFilters().add(countClients());
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private com.sun.net.httpserver.Filter countClients() {
        return com.sun.net.httpserver.Filter.beforeHandler("notes the connection", e -> clients.add(e.getRemoteAddress()));
    }

    /** Connections that carried a request: their client addresses, one per connection. */
    int connections() {
        return clients.size();
    }

    /** Sign-ups with an e-mail address signed up before. */
    int repeatedSignUps() {
        return repeatedSignUps.get();
    }

    int users() {
        return users.get();
    }

    int checkouts() {
        return checkouts.get();
    }

    int rejected() {
        return rejected.get();
    }

    private void signUp(HttpExchange e) throws IOException {
        JsonNode body = JsonTemplate.MAPPER.readTree(e.getRequestBody());
        if (!"POST".equals(e.getRequestMethod()) || !body.path("email").asText().matches("user-\\d+@example\\.com")) {
            reject(e);
            return;
        }
        if (!emails.add(body.path("email").asText())) {
            repeatedSignUps.incrementAndGet();
        }
        String token = "tok-" + users.incrementAndGet();
        tokens.add(token);
        respond(e, 201, "{\"token\":\"" + token + "\"}");
    }

    private void addToCart(HttpExchange e) throws IOException {
        String token = token(e);
        JsonNode body = JsonTemplate.MAPPER.readTree(e.getRequestBody());
        if (token == null || !body.path("product").isInt() || body.path("product").intValue() != 7) {
            reject(e);
            return;
        }
        String cart = "cart-" + token;
        cartOfToken.put(token, cart);
        respond(e, 200, "{\"cart\":\"" + cart + "\"}");
    }

    private void checkOut(HttpExchange e) throws IOException {
        String token = token(e);
        JsonNode body = JsonTemplate.MAPPER.readTree(e.getRequestBody());
        if (token == null || !body.path("cart").asText().equals(cartOfToken.get(token))) {
            reject(e);
            return;
        }
        checkouts.incrementAndGet();
        respond(e, 201, "{\"order\":\"order-" + token + "\"}");
    }

    private String token(HttpExchange e) {
        String header = e.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return null;
        }
        String token = header.substring(7);
        return tokens.contains(token) ? token : null;
    }

    private void reject(HttpExchange e) throws IOException {
        rejected.incrementAndGet();
        respond(e, 400, "{\"error\":\"bad request\"}");
    }

    static void respond(HttpExchange e, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", "application/json");
        e.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
