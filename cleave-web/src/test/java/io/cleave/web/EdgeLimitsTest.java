package io.cleave.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.Listener;
import io.cleave.WebResponse;
import io.cleave.spi.testing.ProviderRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A listener's limits from its {@code [listeners.<name>]} table, over real sockets: requests over
 * the concurrency limit shed at once, headers and bodies over their limits, and clients that stall.
 */
class EdgeLimitsTest {

    private static final Path DATA_DIR = Path.of("target", "data-dir");
    /** The adaptive limit starts at its minimum, so this many requests in flight fill it. */
    private static final int LIMIT = 3;
    private static final Duration READ_TIMEOUT = Duration.ofMillis(400);
    private static final ProviderRequest EDGE = new ProviderRequest("Storefront", Listener.class, "web",
            Map.of("listeners", Map.of("web", Map.of(
                    "address", "127.0.0.1:0",
                    "concurrency-min", LIMIT,
                    "max-header-size", "1KiB",
                    "max-body", 4096L))), DATA_DIR);
    private static final ProviderRequest FIXED = new ProviderRequest("Storefront", Listener.class, "fixed",
            Map.of("listeners", Map.of("fixed", Map.of("address", "127.0.0.1:0", "concurrency-limit", "2"))), DATA_DIR);
    private static final ProviderRequest SLOW = new ProviderRequest("Storefront", Listener.class, "slow",
            Map.of("listeners", Map.of("slow", Map.of(
                    "address", "127.0.0.1:0",
                    "read-timeout", READ_TIMEOUT.toString(),
                    "trusted-proxies", java.util.List.of("127.0.0.1/32")))), DATA_DIR);

    private static Listener web;
    private static Listener slow;
    private static Listener fixed;
    private static HttpClient client;
    private static volatile CountDownLatch release = new CountDownLatch(0);
    private static final AtomicInteger entered = new AtomicInteger();

    @BeforeAll
    static void start() {
        Listener.Handler hold = r -> {
            entered.incrementAndGet();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return WebResponse.text("held");
        };
        web = (Listener) new ListenerProvider().provide(EDGE).orElseThrow();
        web.get("/hold", hold).get("/ping", r -> WebResponse.text("pong"))
                .post("/echo", r -> WebResponse.text(r.bodyText()));
        fixed = (Listener) new ListenerProvider().provide(FIXED).orElseThrow();
        fixed.get("/hold", hold).get("/ping", r -> WebResponse.text("pong"));
        slow = (Listener) new ListenerProvider().provide(SLOW).orElseThrow();
        slow.post("/echo", r -> WebResponse.text(r.bodyText())).get("/ping", r -> WebResponse.text("pong"))
                .get("/whoami", r -> WebResponse.text(r.clientAddress()));
        web.get("/whoami", r -> WebResponse.text(r.clientAddress()));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        EDGE.stop();
        FIXED.stop();
        SLOW.stop();
        client.close();
    }

    private static HttpResponse<String> get(Listener listener, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(listener.uri().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes and reads the whole answer, up to the server closing the connection. */
    private static String raw(Listener listener, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", listener.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Reads one response (headers, then a body of its content-length) from a kept-alive connection. */
    private static String response(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection closed after: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Sends raw bytes and reads the status line only (Helidon keeps a connection open after {@code Connection: close}). */
    private static String statusLine(Listener listener, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", listener.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    @Test
    void shedsRequestsOverTheConcurrencyLimitAtOnceWith503AndRetryAfterThenServesNormally() throws Exception {
        shedsOverItsLimit(web, LIMIT);
    }

    @Test
    void shedsOverAFixedLimitToo() throws Exception {
        shedsOverItsLimit(fixed, 2);
    }

    private static void shedsOverItsLimit(Listener listener, int limit) throws Exception {
        release = new CountDownLatch(1);
        entered.set(0);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            held.add(client.sendAsync(HttpRequest.newBuilder(listener.uri().resolve("/hold")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (entered.get() < limit && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll, bounded by the deadline
        }
        assertThat(entered.get()).as("requests holding the listener").isEqualTo(limit);

        // each extra request is answered while the held ones still wait for the latch: nothing queued behind them
        List<HttpResponse<String>> shed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            shed.add(get(listener, "/ping"));
        }

        // a shed request leaves its connection open: the client tries again on it rather than on a new one
        try (Socket socket = new Socket("127.0.0.1", listener.port())) {
            socket.setSoTimeout(10_000);
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(response(socket.getInputStream())).as("answer %d on one connection", i + 1)
                        .startsWith("HTTP/1.1 503").contains("is at its concurrency limit");
            }
        }

        assertThat(release.getCount()).as("the latch was never released while shedding").isEqualTo(1);
        assertThat(held).noneMatch(CompletableFuture::isDone);
        assertThat(shed).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("retry-after")).hasValue("1");
            assertThat(response.body()).contains("listener " + listener.name() + " is at its concurrency limit");
        });
        release.countDown();
        for (CompletableFuture<HttpResponse<String>> h : held) {
            HttpResponse<String> response = h.get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("held");
        }
        assertThat(get(listener, "/ping").body()).isEqualTo("pong");
    }

    @Test
    void takesTheClientAddressFromXForwardedForOnlyWhenThePeerIsATrustedProxy() throws Exception {
        HttpRequest.Builder forwarded = HttpRequest.newBuilder().header("X-Forwarded-For", "1.2.3.4, 203.0.113.7");

        String behindTrustedProxy = client.send(forwarded.uri(slow.uri().resolve("/whoami")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String untrusted = client.send(forwarded.uri(web.uri().resolve("/whoami")).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        assertThat(behindTrustedProxy).isEqualTo("203.0.113.7");
        assertThat(untrusted).isEqualTo("127.0.0.1");
    }

    @Test
    void answersHeadersOverTheConfiguredLimitWith431AndKeepsServing() throws Exception {
        String response = raw(web, "GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large")
                .contains("request headers over the limit of 1024 bytes");
        assertThat(statusLine(web, "GET /ping HTTP/1.1\r\nHost: x\r\nX-Small: " + "a".repeat(500) + "\r\n\r\n"))
                .isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void answersABodyOverTheConfiguredLimitWith413() throws Exception {
        HttpResponse<String> over = client.send(HttpRequest.newBuilder(web.uri().resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(4097))).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> under = client.send(HttpRequest.newBuilder(web.uri().resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(4096))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(under.statusCode()).isEqualTo(200);
        assertThat(under.body()).hasSize(4096);
    }

    @Test
    void closesAConnectionThatStallsInItsHeadersWithinTheReadTimeoutAndKeepsServing() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", slow.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));

            // the server ends the connection: the read sees its end well before the client's own 10 s timeout
            byte[] answer = readUntilClosed(socket.getInputStream());

            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP/1.1 200");
        }
        assertThat(get(slow, "/ping").body()).isEqualTo("pong");
    }

    @Test
    void answersABodyThatStallsWith408AndClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", slow.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"
                    + "only ten b").getBytes(StandardCharsets.ISO_8859_1));

            String answer = new String(readUntilClosed(socket.getInputStream()), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 408").contains("read-timeout").containsIgnoringCase("connection: close");
        }
        assertThat(get(slow, "/ping").body()).isEqualTo("pong");
    }

    @Test
    void closesAConnectionThatNeverSendsARequest() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", slow.port())) {
            socket.setSoTimeout(10_000);

            assertThat(readUntilClosed(socket.getInputStream())).isEmpty();
        }
    }

    /** Reads to the end of the stream; fails if the server keeps the connection open past the client's timeout. */
    private static byte[] readUntilClosed(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a stalled connection open for 10 s (read-timeout "
                    + READ_TIMEOUT.toMillis() + " ms)", e);
        } catch (java.net.SocketException reset) {
            return new byte[0]; // closed with a reset: closed all the same
        }
    }
}
