package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An upstream that fails within its answer's body — closing the connection after part of it, or
 * going silent — after its status and headers arrived. A GET is then answered by another replica,
 * a POST gets 502 or 504 saying so, and no client sees a 200 with a short body.
 */
class BrokenBodyTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aGetWhoseBodyIsCutShortIsAnsweredByAnotherReplica() throws Exception {
        try (Broken cut = new Broken(Mode.CUT); Backend good = new Backend("a");
                FrontDoor gateway = Gateways.start("cut-get", "access-log = false\n", List.of(cut.uri(), good.uri()))) {
            // bounded: the gateway picks at random, so ask until the broken replica has had requests
            for (int i = 0; i < 200 && cut.answered("GET") < 3; i++) {
                HttpResponse<String> r = http.send(get(gateway, "GET"), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("a");
            }
            assertThat(cut.answered("GET")).as("GETs the broken replica answered in part").isPositive();
        }
    }

    @Test
    void aPostWhoseBodyIsCutShortIs502NotAShort200() throws Exception {
        try (Broken cut = new Broken(Mode.CUT);
                FrontDoor gateway = Gateways.start("cut-post", "access-log = false\n", List.of(cut.uri()))) {
            HttpResponse<String> r = http.send(get(gateway, "POST"), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("the upstream failed", "tried 1 replica");
            assertThat(cut.answered("POST")).as("the POST was not sent again").isEqualTo(1);
        }
    }

    @Test
    void anUpstreamSilentWithinItsBodyIs504ForAPostAndAnotherReplicaForAGet() throws Exception {
        try (Broken silent = new Broken(Mode.SILENT); Backend good = new Backend("a");
                FrontDoor post = Gateways.start("silent-post", "upstream-timeout = \"500ms\"\naccess-log = false\n",
                        List.of(silent.uri()));
                FrontDoor both = Gateways.start("silent-get", "upstream-timeout = \"500ms\"\naccess-log = false\n",
                        List.of(silent.uri(), good.uri()))) {
            HttpResponse<String> r = http.send(get(post, "POST"), HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("did not answer in time");
            assertThat(silent.answered("POST")).as("the POST was not sent again").isEqualTo(1);

            int before = silent.answered("GET");
            for (int i = 0; i < 200 && silent.answered("GET") == before; i++) {
                HttpResponse<String> g = http.send(get(both, "GET"), HttpResponse.BodyHandlers.ofString());

                assertThat(g.statusCode()).isEqualTo(200);
                assertThat(g.body()).isEqualTo("a");
            }
            assertThat(silent.answered("GET")).isGreaterThan(before);
        }
    }

    @Test
    void aWholeBodyReadLeavesTheUpstreamConnectionForTheNextRequest() throws Exception {
        try (Broken whole = new Broken(Mode.KEEP_ALIVE);
                FrontDoor gateway = Gateways.start("reuse", "access-log = false\n", List.of(whole.uri()))) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = http.send(get(gateway, "GET"), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("hello");
            }
            assertThat(whole.answered("GET")).isEqualTo(20);
            assertThat(whole.getConnections.get()).as("connections that carried the 20 GETs, one after another").isEqualTo(1);
        }
    }

    private static HttpRequest get(FrontDoor gateway, String method) {
        return HttpRequest.newBuilder(Gateways.web(gateway, "/page")).timeout(Duration.ofSeconds(10))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("order")
                        : HttpRequest.BodyPublishers.noBody())
                .build();
    }

    /** How {@link Broken} answers. */
    private enum Mode {
        /** {@code Content-Length: 100} and 5 bytes of it, then the connection closed. */
        CUT,
        /** {@code Content-Length: 100} and 5 bytes of it, then nothing until the gateway closes. */
        SILENT,
        /** Not broken: {@code hello} whole, then the next request on the same connection. */
        KEEP_ALIVE
    }

    /** An upstream on a bare socket, answering every request {@code 200} as its {@link Mode} says. */
    private static final class Broken implements AutoCloseable {

        /** Requests answered, by method (the gateway's health probes send {@code HEAD}). */
        final Map<String, AtomicInteger> byMethod = new ConcurrentHashMap<>();
        /** Connections whose first request was a GET (the probes' are HEADs, each on a connection of its own). */
        final AtomicInteger getConnections = new AtomicInteger();
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        Broken(Mode mode) throws IOException {
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        open.add(s);
                        Thread.ofVirtual().start(() -> answer(s, mode));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        private void answer(Socket s, Mode mode) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (int request = 0; ; request++) {
                    // the request's head, up to its blank line; its body (if any) is left unread
                    StringBuilder head = new StringBuilder();
                    for (int matched = 0, b; matched < 4 && (b = in.read()) >= 0; ) {
                        head.append((char) b);
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    if (head.isEmpty()) {
                        return; // the gateway closed the connection between requests
                    }
                    String method = head.toString().split(" ", 2)[0];
                    byMethod.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
                    if (request == 0 && method.equals("GET")) {
                        getConnections.incrementAndGet();
                    }
                    if (mode == Mode.KEEP_ALIVE) {
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        continue;
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nhello"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    while (mode == Mode.SILENT && in.read() >= 0) {
                        // the request's body, then nothing: until the gateway gives up and closes, or the test ends
                    }
                    return;
                }
            } catch (IOException ended) {
                // the gateway closed its side
            }
        }

        int answered(String method) {
            AtomicInteger n = byMethod.get(method);
            return n == null ? 0 : n.get();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
            try {
                acceptor.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
