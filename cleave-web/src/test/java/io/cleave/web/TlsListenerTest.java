package io.cleave.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Cookie;
import io.cleave.Listener;
import io.cleave.WebResponse;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.testing.AppPreparation;
import io.cleave.spi.testing.ProviderRequest;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Listeners serving TLS from PEM files and from a PKCS#12 key store, called by a real TLS client. */
class TlsListenerTest {

    private static final Path DIR = Path.of("target", "tls-listener-test");
    private static final Path PEM = DIR.resolve("secret");
    private static final Path P12 = DIR.resolve("edge.p12");
    private static final char[] PASSWORD = "correct horse".toCharArray();
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);

    private static TestCertificates certificates;
    private static ProviderRequest pemRequest;
    private static ProviderRequest p12Request;
    private static Listener web;
    private static Listener api;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create();
        certificates.writePem(PEM);
        certificates.writePkcs12(P12, PASSWORD);
        pemRequest = request("web", Map.of("address", "127.0.0.1:0", "tls-certificate", PEM.resolve("tls.crt").toString(),
                "tls-key", PEM.resolve("tls.key").toString(), "read-timeout", READ_TIMEOUT.toString()));
        p12Request = request("api", Map.of("address", "127.0.0.1:0", "tls-keystore", P12.toString(),
                "tls-keystore-password", new String(PASSWORD)));
        web = (Listener) new ListenerProvider().provide(pemRequest).orElseThrow();
        web.post("/login", r -> WebResponse.redirect("/account").withCookie(Cookie.of("sid", "s-1")))
                .get("/hello", r -> WebResponse.text("hello over " + r.header("host").orElse("?")));
        api = (Listener) new ListenerProvider().provide(p12Request).orElseThrow();
        api.get("/hello", r -> WebResponse.text("hello from the key store"));
        client = HttpClient.newBuilder().sslContext(certificates.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        pemRequest.stop();
        p12Request.stop();
        client.close();
    }

    private static ProviderRequest request(String name, Map<String, Object> table) {
        return new ProviderRequest("Storefront", Listener.class, name, Map.of("listeners", Map.of(name, table)), DIR);
    }

    private static HttpResponse<String> send(HttpClient with, HttpRequest.Builder request) throws Exception {
        return with.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHttpsFromPemFilesToAClientTrustingTheCa() throws Exception {
        HttpResponse<String> response = send(client, HttpRequest.newBuilder(web.uri().resolve("/hello")));

        assertThat(web.uri().getScheme()).isEqualTo("https");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("hello over 127.0.0.1:");
        assertThat(response.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(certificates.server);
    }

    @Test
    void marksCookiesSecureAndTellsBrowsersToStayOnHttps() throws Exception {
        HttpResponse<String> response = send(client, HttpRequest.newBuilder(web.uri().resolve("/login"))
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(response.headers().allValues("set-cookie"))
                .containsExactly("sid=s-1; Path=/; HttpOnly; SameSite=Lax; Secure");
        assertThat(response.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
    }

    @Test
    void servesHttpsFromAPkcs12KeyStore() throws Exception {
        HttpResponse<String> response = send(client, HttpRequest.newBuilder(api.uri().resolve("/hello")));

        assertThat(response.body()).isEqualTo("hello from the key store");
        assertThat(response.headers().firstValue("strict-transport-security")).isPresent();
    }

    @Test
    void isRefusedByAClientThatDoesNotTrustItsCa() {
        try (HttpClient untrusting = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> send(untrusting, HttpRequest.newBuilder(web.uri().resolve("/hello"))))
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void dropsAStalledTlsHandshakeWithinTheReadTimeoutAndKeepsServing() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            socket.setSoTimeout(10_000);
            // the start of a TLS record (handshake, TLS 1.2, 512 bytes long), then nothing
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x03, 0x02, 0x00, 0x01});

            try {
                assertThat(socket.getInputStream().readAllBytes()).isEmpty();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a stalled handshake held the connection for 10 s (read-timeout "
                        + READ_TIMEOUT.toMillis() + " ms)", e);
            } catch (SocketException reset) {
                // closed with a reset: closed all the same
            }
        }
        assertThat(send(client, HttpRequest.newBuilder(web.uri().resolve("/hello"))).statusCode()).isEqualTo(200);
    }

    @Test
    void aMissingKeyFileFailsTheStartNamingTheListenerKeyAndPath() {
        Path missing = DIR.resolve("nowhere/tls.key");

        assertThatThrownBy(() -> new ListenerProvider().provide(request("web", Map.of("address", "127.0.0.1:0",
                "tls-certificate", PEM.resolve("tls.crt").toString(), "tls-key", missing.toString()))))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web] tls-key = \"" + missing + "\": cannot read it (no such file)");
    }

    @Test
    void aCertificateFileWithoutCertificatesFailsNamingIt() throws Exception {
        Path notPem = DIR.resolve("not-a-cert.crt");
        Files.writeString(notPem, "hello\n");

        assertThatThrownBy(() -> new ListenerProvider().provide(request("web", Map.of("address", "127.0.0.1:0",
                "tls-certificate", notPem.toString(), "tls-key", PEM.resolve("tls.key").toString()))))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("[listeners.web] tls-certificate = \"" + notPem + "\": ");
    }

    @Test
    void aKeyFileGivenAsTheCertificateFailsNamingIt() {
        assertThatThrownBy(() -> new ListenerProvider().provide(request("web", Map.of("address", "127.0.0.1:0",
                "tls-certificate", PEM.resolve("tls.crt").toString(), "tls-key", PEM.resolve("tls.crt").toString()))))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("[listeners.web] tls-key = \"" + PEM.resolve("tls.crt") + "\": holds no private key");
    }

    @Test
    void aWrongKeyStorePasswordFailsNamingTheFile() {
        assertThatThrownBy(() -> new ListenerProvider().provide(request("api", Map.of("address", "127.0.0.1:0",
                "tls-keystore", P12.toString(), "tls-keystore-password", "wrong"))))
                .isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("[listeners.api] tls-keystore = \"" + P12 + "\": wrong tls-keystore-password");
    }

    @Test
    void aKeyStoreWithoutPasswordNamesTheEnvironmentVariableToSet() {
        assertThatThrownBy(() -> new ListenerProvider().provide(request("api", Map.of("address", "127.0.0.1:0",
                "tls-keystore", P12.toString()))))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("CLEAVE_LISTENERS__API__TLS_KEYSTORE_PASSWORD");
    }

    @Test
    void preparingTheApplicationChecksTheTlsFilesBeforeAnyProcessStarts() {
        Path missing = DIR.resolve("missing.crt");
        Map<String, Map<String, Object>> sections = new HashMap<>();
        sections.put("listeners", Map.of("web", Map.of("address", "127.0.0.1:0", "tls-certificate", missing.toString(),
                "tls-key", PEM.resolve("tls.key").toString())));
        AppPreparation app = new AppPreparation("shop", DIR, sections).need("Storefront", "web", Listener.class);

        assertThatThrownBy(() -> new ListenerProvider().prepare(app))
                .isInstanceOf(ConfigError.class)
                .hasMessage("[listeners.web] tls-certificate = \"" + missing + "\": cannot read it (no such file)");
    }

    @Test
    void plainHttpToATlsListenerGetsNoPage() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", web.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] answer;
            try {
                answer = socket.getInputStream().readAllBytes();
            } catch (SocketException reset) {
                answer = new byte[0];
            }

            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("hello over");
        }
    }
}
