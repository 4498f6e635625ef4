package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private static Backend backend;
    private static FrontDoor gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        backend = new Backend("guarded");
        gateway = Gateways.start("bad-input", "max-header-size = \"1KiB\"\nread-timeout = \"500ms\"\n",
                List.of(backend.uri()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.close();
    }

    @Test
    void headersOverTheLimitAre431() throws Exception {
        String response = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4096) + "\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 431");
    }

    @Test
    void aBadChunkSizeIs400AndNothingReachesTheBackend() throws Exception {
        int before = backend.requests.get();

        String response = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(backend.requests.get()).isEqualTo(before);
    }

    @Test
    void aSlowlorisClientIsDisconnectedAfterReadTimeoutWhileOthersAreServed() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", gateway.port("web"))) {
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            long start = System.nanoTime();

            HttpResponse<String> other = http.send(HttpRequest.newBuilder(Gateways.web(gateway, "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            int end = readToEnd(slow.getInputStream());

            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(end).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Reads until the gateway closes the connection (-1), or fails after the socket's timeout. */
    private static int readToEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        for (int i = 0; i < 1000; i++) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketException reset) {
                return -1;
            }
            if (n < 0) {
                return -1;
            }
        }
        return 0;
    }

    /** Sends raw bytes and reads what comes back until the gateway closes the connection. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port("web"))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] head = new byte[256];
            int n = socket.getInputStream().read(head);
            return n <= 0 ? "" : new String(head, 0, n, StandardCharsets.US_ASCII);
        }
    }
}
