package io.cleave.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small upstream replica: answers every request {@code 200 <name>}; {@code /headers} answers
 * the request's headers one per line, {@code /echo} the request body, {@code /block} waits until
 * {@link #release()}. Run in the test's JVM, or as a process of its own by {@link BackendProcess}
 * ({@code main} prints {@code port N} once it listens).
 */
final class Backend implements AutoCloseable {

    final String name;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger blocked = new AtomicInteger();
    /** The gateway's health probes among {@link #requests}. */
    final AtomicInteger probes = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);
    private final HttpServer server;

    Backend(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static void main(String[] args) throws Exception {
        Backend backend = new Backend(args[0]);
        System.out.println("port " + backend.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    int port() {
        return server.getAddress().getPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    void release() {
        gate.countDown();
        gate = new CountDownLatch(1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        if ("cleave-gateway-probe".equals(exchange.getRequestHeaders().getFirst("User-Agent"))) {
            probes.incrementAndGet();
        }
        String path = exchange.getRequestURI().getRawPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] received = in.readAllBytes();
            body = switch (path) {
                case "/headers" -> {
                    Map<String, String> headers = new TreeMap<>();
                    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                    StringBuilder b = new StringBuilder();
                    headers.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
                    yield b.toString().getBytes(StandardCharsets.UTF_8);
                }
                case "/echo" -> received;
                case "/block" -> {
                    blocked.incrementAndGet();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield name.getBytes(StandardCharsets.UTF_8);
                }
                default -> name.getBytes(StandardCharsets.UTF_8);
            };
        }
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.getResponseHeaders().add("X-Backend", name);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
        } else {
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
