package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.shop.storefront.Storefront;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop serving TLS from PEM files, set through overrides as a deployment would — by its web
 * listener in the monolith's configuration, by the gateway in front of it in the services one:
 * either way the session cookie is {@code Secure} and every response tells the browser to stay on
 * HTTPS.
 */
class ShopOverTlsTest {

    @TempDir
    Path directory;

    @Test
    void signingUpOverTlsSetsASecureSessionCookieAndHsts() throws Exception {
        X509Certificate certificate = writeCertificate();
        // the monolith's configuration: the listener itself serves TLS
        Cleave.Builder builder = Cleave.app().config(Path.of("cleave.toml")).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("data") + "\"")
                .set("listeners.web.address", "127.0.0.1:0")
                .set("listeners.web.tls-certificate", directory.resolve("tls.crt").toString())
                .set("listeners.web.tls-key", directory.resolve("tls.key").toString());
        fast(builder);

        try (App shop = builder.start()) {
            URI base = URI.create(shop.component(Storefront.class).address());

            assertThat(base.getScheme()).isEqualTo("https");
            assertSecureSignUp(certificate, base);
        }
    }

    @Test
    void signingUpThroughTheGatewayOverTlsSetsASecureSessionCookieAndHsts() throws Exception {
        X509Certificate certificate = writeCertificate();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        // the services configuration: the gateway terminates TLS in front of the listener (in this process)
        Cleave.Builder builder = Cleave.app().config(Path.of(ShopSettings.CONFIG)).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("data") + "\"")
                .set("listeners.web", "127.0.0.1:" + port)
                .set("gateway.tls-certificate", directory.resolve("tls.crt").toString())
                .set("gateway.tls-key", directory.resolve("tls.key").toString());
        fast(builder);

        try (App shop = builder.start()) {
            URI base = URI.create(shop.component(Storefront.class).address());

            assertThat(base).as("the address clients use is the gateway's").isEqualTo(URI.create("https://127.0.0.1:" + port + "/"));
            assertSecureSignUp(certificate, base);
        }
    }

    @Test
    void behindTheGatewayAListenersOwnTlsIsRefusedSayingWhereItGoes() throws Exception {
        writeCertificate();
        Cleave.Builder builder = Cleave.app().config(Path.of(ShopSettings.CONFIG)).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("data") + "\"")
                .set("listeners.web.address", "127.0.0.1:0")
                .set("listeners.web.tls-certificate", directory.resolve("tls.crt").toString())
                .set("listeners.web.tls-key", directory.resolve("tls.key").toString());
        fast(builder);

        org.assertj.core.api.Assertions.assertThatThrownBy(builder::start)
                .hasMessageContaining("[listeners.web] tls-certificate: the gateway ([gateway]) serves this listener")
                .hasMessageContaining("move the TLS settings to [gateway]");
    }

    private X509Certificate writeCertificate() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        X509Certificate certificate = selfSigned(keys);
        Files.writeString(directory.resolve("tls.crt"), pem(certificate));
        Files.writeString(directory.resolve("tls.key"), pem(keys));
        return certificate;
    }

    private static void fast(Cleave.Builder builder) {
        ShopSettings.FAST.forEach((key, value) -> {
            if (!key.startsWith("listeners.")) {
                builder.set(key, value);
            }
        });
    }

    private static void assertSecureSignUp(X509Certificate certificate, URI base) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting(certificate)).build()) {
            HttpResponse<String> signUp = client.send(HttpRequest.newBuilder(base.resolve("/api/users"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"tls-" + UUID.randomUUID()
                            + "@example.com\", \"password\": \"correct horse battery\", \"name\": \"T\"}"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(signUp.statusCode()).isEqualTo(201);
            assertThat(signUp.headers().allValues("set-cookie")).singleElement().satisfies(cookie ->
                    assertThat(cookie).startsWith("sid=").contains("; HttpOnly").endsWith("; Secure"));
            assertThat(signUp.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
        }
    }

    @Test
    void aListenerTableWithAnUnknownKeyFailsTheStartNamingTheFileLineAndKey() throws Exception {
        String config = Files.readString(Path.of(ShopSettings.CONFIG)).replace("[listeners]\nweb = \"127.0.0.1:8080\"",
                "[listeners.web]\naddress = \"127.0.0.1:0\"\ntls-cert = \"/etc/tls/tls.crt\"");
        Cleave.Builder builder = Cleave.app().configText(config).deployer("single")
                .set("app.data-dir", "\"" + directory.resolve("data") + "\"");

        assertThat(config).as("the table replaced the string form").contains("[listeners.web]");
        org.assertj.core.api.Assertions.assertThatThrownBy(builder::start)
                .hasMessageContaining("[listeners.web] key \"tls-cert\" is unknown")
                .hasMessageContaining("tls-certificate");
    }

    private static X509Certificate selfSigned(KeyPair keys) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=127.0.0.1");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    private static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(w)) {
            writer.writeObject(o);
        }
        return w.toString();
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("shop", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
