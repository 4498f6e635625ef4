package io.cleave.web;

import io.cleave.spi.testing.ProviderRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.Cookie;
import io.cleave.OverloadedException;
import io.cleave.RemoteFailureException;
import io.cleave.StoreException;
import io.cleave.StoreUnavailableException;
import io.cleave.HttpError;
import io.cleave.Listener;
import io.cleave.WebRequest;
import io.cleave.WebResponse;
import java.nio.file.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One listener on an ephemeral port, exercised over a real socket. */
class ListenerTest {

    private static final Path DATA_DIR = Path.of("target", "data-dir");
    private static final ProviderRequest REQUEST = new ProviderRequest("Storefront", Listener.class, "web",
            Map.of("listeners", Map.of("web", "127.0.0.1:0")), DATA_DIR);
    private static final List<LogRecord> LOGGED = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            LOGGED.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private static final Logger WEB_LOG = Logger.getLogger("io.cleave.web");

    private static Listener web;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        WEB_LOG.addHandler(CAPTURE);
        web = (Listener) new ListenerProvider().provide(REQUEST).orElseThrow();
        web.get("/products/{id}", r -> WebResponse.text("product " + r.pathParam("id")))
                .get("/products/new", r -> WebResponse.text("the new-product form"))
                .get("/carts/{cart}/items/{sku}", r -> WebResponse.text(r.pathParam("cart") + "/" + r.pathParam("sku")))
                .post("/echo", ListenerTest::echo)
                .put("/products/{id}", r -> WebResponse.status(204))
                .delete("/products/{id}", r -> {
                    throw new HttpError(409, "product \"" + r.pathParam("id") + "\" is in an open order");
                })
                .get("/deadline", r -> WebResponse.text(CallContext.current().remaining()
                        .map(left -> Long.toString(left.toMillis())).orElse("none")))
                .get("/database-gone", r -> {
                    throw new StoreUnavailableException("store of Catalog: the database did not answer within 2000 ms",
                            new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006"));
                })
                .get("/remote-database-gone", r -> {
                    throw new RemoteFailureException("Users", "signUp", "Users/0", StoreUnavailableException.class.getName(),
                            "store of Users: cannot get a connection");
                })
                .get("/bad-sql", r -> {
                    throw new StoreException("store of Catalog: syntax error at or near \"selec\"",
                            new java.sql.SQLException("syntax error", "42601"));
                })
                .get("/busy", r -> {
                    throw new OverloadedException("Catalog.search: over the concurrency limit", Duration.ofMillis(2500));
                })
                .get("/checkout-failed", r -> {
                    throw new HttpError(503, "the payment provider did not answer; nothing was charged");
                })
                .get("/down", r -> {
                    throw new ComponentUnavailableException("Payments.charge: no replica reachable", true);
                })
                .get("/boom", r -> {
                    throw new IllegalStateException("database password is hunter2");
                })
                .post("/login", r -> WebResponse.redirect("/account").withCookie(Cookie.of("sid", "s-42")))
                .get("/", r -> WebResponse.html("<h1>home</h1>"))
                .resources("/assets", "assets");
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        REQUEST.stop();
        WEB_LOG.removeHandler(CAPTURE);
        client.close();
    }

    private static WebResponse echo(WebRequest r) {
        String json = "{\"method\":" + Json.quote(r.method())
                + ",\"x\":" + Json.quote(String.join(",", r.query().getOrDefault("x", List.of())))
                + ",\"y\":" + Json.quote(r.queryParam("y").orElse("-"))
                + ",\"header\":" + Json.quote(r.header("X-Shop-Tenant").orElse("-"))
                + ",\"cookie\":" + Json.quote(r.cookie("sid").orElse("-"))
                + ",\"body\":" + Json.quote(r.bodyText()) + "}";
        return WebResponse.json(json);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(web.uri().resolve(path)));
    }

    /** Sends raw bytes and returns the whole response, for requests HttpClient refuses to make. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket(web.uri().getHost(), web.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Sends raw bytes and returns the status line. */
    private static String rawStatusLine(String request) throws IOException {
        try (Socket socket = new Socket(web.uri().getHost(), web.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        }
    }

    @Test
    void aHandlersWorkCarriesTheRequestTimeoutAsItsDeadline() throws Exception {
        HttpResponse<String> r = get("/deadline");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as("milliseconds left of the default request-timeout (30 s)").isNotEqualTo("none");
        assertThat(Long.parseLong(r.body())).isBetween(1L, 30_000L);
    }

    @Test
    void isReachableAtItsUri() {
        assertThat(web.port()).isPositive();
        assertThat(web.uri()).isEqualTo(URI.create("http://127.0.0.1:" + web.port() + "/"));
        assertThat(web.name()).isEqualTo("web");
    }

    @Test
    void passesDecodedPathParametersToTheHandler() throws Exception {
        HttpResponse<String> response = get("/carts/c%2F1/items/caf%C3%A9");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("c/1/café");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void prefersALiteralSegmentOverAParameter() throws Exception {
        assertThat(get("/products/new").body()).isEqualTo("the new-product form");
        assertThat(get("/products/p-7").body()).isEqualTo("product p-7");
    }

    @Test
    void ignoresATrailingSlash() throws Exception {
        assertThat(get("/products/p-7/").body()).isEqualTo("product p-7");
    }

    @Test
    void givesTheHandlerQueryHeadersCookiesAndBody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(web.uri().resolve("/echo?x=1&x=2&y=a+b%21"))
                .header("X-Shop-Tenant", "acme")
                .header("Cookie", "theme=dark; sid=s-1")
                .POST(HttpRequest.BodyPublishers.ofString("qty=2 ✓")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(
                "{\"method\":\"POST\",\"x\":\"1,2\",\"y\":\"a b!\",\"header\":\"acme\",\"cookie\":\"s-1\",\"body\":\"qty=2 ✓\"}");
    }

    @Test
    void answersAnUnknownRouteWith404Json() throws Exception {
        HttpResponse<String> response = get("/nowhere");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        String id = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(response.body()).isEqualTo(
                "{\"status\":404,\"error\":\"no route for GET /nowhere\",\"requestId\":\"" + id + "\"}");
    }

    @Test
    void answersAKnownPathWithAnotherMethodWith405AndAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(web.uri().resolve("/echo")).GET());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
        assertThat(response.body()).contains("\"status\":405");
    }

    @Test
    void answersAnHttpErrorWithItsStatusAndMessage() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(web.uri().resolve("/products/p-9")).DELETE());

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).startsWith("{\"status\":409,\"error\":\"product \\\"p-9\\\" is in an open order\"");
    }

    @Test
    void answersAnUnexpectedFailureWith500AndARequestIdThatTheLogRepeatsWithTheStackTrace() throws Exception {
        HttpResponse<String> response = get("/boom");

        assertThat(response.statusCode()).isEqualTo(500);
        String id = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(response.body()).isEqualTo("{\"status\":500,\"error\":\"internal error; quote request id " + id
                + "\",\"requestId\":\"" + id + "\"}");
        assertThat(response.body()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
        assertThat(LOGGED).anySatisfy(record -> {
            assertThat(record.getMessage()).contains(id).contains("GET /boom");
            assertThat(record.getThrown()).isInstanceOf(IllegalStateException.class).hasMessageContaining("hunter2");
        });
    }

    @Test
    void usesTheClientsRequestIdWhenItIsWellFormed() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(web.uri().resolve("/nowhere"))
                .header("X-Request-Id", "edge-1234"));

        assertThat(response.headers().firstValue("x-request-id")).hasValue("edge-1234");
        assertThat(response.body()).contains("\"requestId\":\"edge-1234\"");
    }

    @Test
    void answersPercentEncodedBytesThatAreNotUtf8With400() throws Exception {
        HttpResponse<String> response = get("/products/%C3%28");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith("{\"status\":400,\"error\":\"percent-encoded bytes in \\\"%C3%28\\\" are not UTF-8\"");
    }

    @Test
    void answersMalformedPercentEncodingWith400Json() throws Exception {
        String response = raw("GET /products/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400").contains("\"status\":400");
    }

    @Test
    void answersAMalformedRequestLineWith400() throws Exception {
        String statusLine = rawStatusLine("GARBAGE\r\n\r\n");

        assertThat(statusLine).startsWith("HTTP/1.1 400");
    }

    @Test
    void setsCookiesAndRedirects() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(web.uri().resolve("/login"))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.headers().firstValue("location")).hasValue("/account");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("sid=s-42; Path=/; HttpOnly; SameSite=Lax");
    }

    @Test
    void servesClassPathResourcesWithTheirContentType() throws Exception {
        HttpResponse<String> css = get("/assets/css/app.css");
        HttpResponse<String> index = get("/assets/");

        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(css.body()).isEqualTo("body { color: teal; }\n");
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("<title>shop</title>");
    }

    @Test
    void doesNotServeResourcesOutsideTheDirectory() throws Exception {
        assertThat(get("/assets/%2e%2e/secret.txt").statusCode()).isEqualTo(404);
        assertThat(rawStatusLine("GET /assets/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .matches("HTTP/1.1 (400|404) .*");
        assertThat(get("/assets/css/missing.css").statusCode()).isEqualTo(404);
    }

    @Test
    void answersHeadLikeGetWithoutABody() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(web.uri().resolve("/products/p-1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-length")).hasValue(String.valueOf("product p-1".length()));
        assertThat(response.body()).isEmpty();
    }

    @Test
    void takesRoutesAddedWhileServing() throws Exception {
        assertThat(get("/late").statusCode()).isEqualTo(404);

        web.get("/late", r -> WebResponse.text("here now"));

        assertThat(get("/late").body()).isEqualTo("here now");
    }

    @Test
    void rejectsADuplicateRoute() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> web.get("/products/{other}", r -> WebResponse.text("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GET /products/{other} is already routed (as /products/{id})");
    }

    @Test
    void servesTheRootRoute() throws Exception {
        HttpResponse<String> response = get("/");

        assertThat(response.body()).isEqualTo("<h1>home</h1>");
        Matcher m = Pattern.compile("[0-9a-f]{16}").matcher(response.headers().firstValue("x-request-id").orElse(""));
        assertThat(m.matches()).isTrue();
    }

    @Test
    void answersARejectedCallWith503AndThePolicysRetryAfter() throws Exception {
        HttpResponse<String> response = get("/busy");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("3");
        assertThat(response.body()).startsWith("{\"status\":503,").doesNotContain("Catalog");
        assertThat(LOGGED).anySatisfy(record -> assertThat(record.getMessage())
                .contains("503").contains("OverloadedException").contains("Catalog.search"));
    }

    @Test
    void answersADatabaseThatCannotBeReachedWith503AndAStoreMistakeWith500() throws Exception {
        HttpResponse<String> gone = get("/database-gone");
        HttpResponse<String> goneThere = get("/remote-database-gone");
        HttpResponse<String> mistake = get("/bad-sql");

        assertThat(goneThere.statusCode()).as("a component it called lost its database").isEqualTo(503);
        assertThat(gone.statusCode()).isEqualTo(503);
        assertThat(gone.headers().firstValue("retry-after")).hasValue("1");
        assertThat(gone.body()).doesNotContain("Catalog");
        assertThat(mistake.statusCode()).isEqualTo(500);
        assertThat(LOGGED).anySatisfy(record -> assertThat(record.getMessage())
                .contains("answered 503").contains("/database-gone").contains("the database did not answer"));
    }

    @Test
    void aHandlers503CarriesRetryAfterAndItsMessage() throws Exception {
        HttpResponse<String> response = get("/checkout-failed");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        assertThat(response.body()).contains("the payment provider did not answer; nothing was charged");
    }

    @Test
    void answersAnUnavailableComponentWith503AndRetryAfter() throws Exception {
        HttpResponse<String> response = get("/down");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        assertThat(response.body()).doesNotContain("Payments");
    }

    @Test
    void answersABadChunkSizeWith400AndClosesTheConnectionThenKeepsServing() throws Exception {
        // a keep-alive request whose chunk size is not hex; the bytes after it must not be read as a second request
        String response = raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: text/plain\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400").contains("malformed request body");
        assertThat(Pattern.compile("^HTTP/1\\.1 ", Pattern.MULTILINE).matcher(response).results().count())
                .as("responses on the connection").isEqualTo(1);
        assertThat(get("/products/p-1").body()).isEqualTo("product p-1");
    }

    @Test
    void setsSecurityHeadersOnPagesAndErrors() throws Exception {
        for (HttpResponse<String> response : List.of(get("/"), get("/nowhere"), get("/boom"))) {
            assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
            assertThat(response.headers().firstValue("referrer-policy")).hasValue("strict-origin-when-cross-origin");
            assertThat(response.headers().firstValue("content-security-policy").orElseThrow())
                    .contains("default-src 'self'").contains("script-src 'self';").contains("frame-ancestors 'none'");
        }
    }

    @Test
    void answersHeadersOverTheLimitWith431ClosingTheConnectionAndKeepsServing() throws Exception {
        // the default limit is 16 KiB; the answer closes the connection: raw() reads to its end
        String response = raw("GET /products/p-1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 431").contains("Connection: close")
                .contains("\"status\":431,\"error\":\"request headers over the limit of 16384 bytes\"");
        assertThat(get("/products/p-1").statusCode()).isEqualTo(200);
    }

    @Test
    void answersADeclaredBodyOverTheLimitWith413WithoutReadingItAndKeepsServing() throws Exception {
        String response = raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
                + (ListenerSettings.DEFAULT_MAX_BODY + 1) + "\r\n\r\nhello");

        assertThat(response).startsWith("HTTP/1.1 413");
        assertThat(get("/products/p-1").statusCode()).isEqualTo(200);
    }

    @Test
    void answersAChunkedBodyOverTheLimitWith413AndKeepsServing() throws Exception {
        try (Socket socket = new Socket(web.uri().getHost(), web.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = ("100000\r\n" + "a".repeat(0x100000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            String status = "";
            try {
                for (long sent = 0; sent <= ListenerSettings.DEFAULT_MAX_BODY; sent += 0x100000) {
                    out.write(chunk);
                }
            } catch (IOException closedByServer) {
                // the server may answer and close before the client has sent everything
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            status = line.toString();
            assertThat(status).startsWith("HTTP/1.1 413");
        }
        assertThat(get("/products/p-1").statusCode()).isEqualTo(200);
    }
}
