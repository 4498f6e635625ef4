package io.cleave.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream for the edge cache's tests: counts the requests of each path and answers
 * {@code 200 "<path> v<n>"} (n counting that path's requests), or what {@link #answer} set for the
 * path. A path {@link #hold held} waits for {@link #release()} before answering.
 */
final class Origin implements AutoCloseable {

    /**
     * An answer.
     *
     * @param status its status
     * @param headers its headers, name to value
     * @param body its body, or empty for {@code "<path> v<n>"}
     */
    record Answer(int status, Map<String, String> headers, byte[] body) {

        static Answer headers(Map<String, String> headers) {
            return new Answer(200, headers, new byte[0]);
        }
    }

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, List<String>> lastHeaders = new ConcurrentHashMap<>();
    private final Map<String, Boolean> held = new ConcurrentHashMap<>();
    final AtomicInteger waiting = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);
    private final HttpServer server;

    Origin() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests for a path so far. */
    int requests(String path) {
        return requests.computeIfAbsent(path, p -> new AtomicInteger()).get();
    }

    /** The headers of the last request for a path, {@code name: value} lower-cased. */
    List<String> lastHeaders(String path) {
        return lastHeaders.getOrDefault(path, List.of());
    }

    void answer(String path, Answer answer) {
        answers.put(path, answer);
    }

    void hold(String path) {
        held.put(path, true);
    }

    void release() {
        gate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        int n = requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        lastHeaders.put(path, exchange.getRequestHeaders().entrySet().stream()
                .map(e -> e.getKey().toLowerCase() + ": " + String.join(",", e.getValue())).sorted().toList());
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        if (held.containsKey(path)) {
            waiting.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.decrementAndGet();
            }
        }
        Answer answer = answers.getOrDefault(path, Answer.headers(Map.of()));
        byte[] body = answer.body().length > 0 ? answer.body() : (path + " v" + n).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(answer.status(), -1);
        } else {
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
    }
}
