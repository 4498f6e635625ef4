package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cleave dev-cert} writes what a TLS secret holds: a server certificate for the hosts,
 * signed by a new authority, that a client trusting only {@code ca.crt} accepts for those hosts.
 */
class DevCertCommandTest {

    @TempDir
    Path directory;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aClientTrustingOnlyTheAuthorityAcceptsTheCertificateForLocalhost() throws Exception {
        Path out = directory.resolve("tls");

        Run run = run("dev-cert", "--out", out.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.getPosixFilePermissions(out.resolve("tls.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        List<X509Certificate> chain = certificates(out.resolve("tls.crt"));
        X509Certificate ca = certificates(out.resolve("ca.crt")).get(0);
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca);
        List<String> names = new ArrayList<>();
        for (List<?> san : chain.get(0).getSubjectAlternativeNames()) {
            names.add(String.valueOf(san.get(1)));
        }
        assertThat(names).contains("localhost", "127.0.0.1");
        assertThat(handshake(chain, out.resolve("tls.key"), ca)).isEqualTo("hello");
    }

    @Test
    void refusesAHostThatIsNeitherANameNorAnAddressAndWritesNothing() {
        Path out = directory.resolve("bad");

        Run run = run("dev-cert", "--out", out.toString(), "--host", "not a host!");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--host: \"not a host!\" is neither a DNS name nor an IP address");
        assertThat(out.resolve("tls.key")).doesNotExist();
    }

    @Test
    void neverOverwritesAnExistingKey() throws Exception {
        Path out = directory.resolve("kept");
        assertThat(run("dev-cert", "--out", out.toString()).exit()).isZero();
        String key = Files.readString(out.resolve("tls.key"));

        Run again = run("dev-cert", "--out", out.toString());

        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("exists; remove it or choose another --out");
        assertThat(Files.readString(out.resolve("tls.key"))).isEqualTo(key);
    }

    private static List<X509Certificate> certificates(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            return all.stream().map(X509Certificate.class::cast).toList();
        }
    }

    /** Serves TLS with the chain and key, connects trusting only the authority, checking the host name. */
    private static String handshake(List<X509Certificate> chain, Path keyFile, X509Certificate ca) throws Exception {
        java.security.PrivateKey key;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(keyFile))) {
            key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, new char[0], chain.toArray(X509Certificate[]::new));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, new char[0]);
        javax.net.ssl.SSLContext server = javax.net.ssl.SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        javax.net.ssl.SSLContext client = javax.net.ssl.SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofVirtual().start(() -> {
                try (SSLSocket s = (SSLSocket) listening.accept()) {
                    s.getOutputStream().write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    // the client's assertion says what went wrong
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", listening.getLocalPort())) {
                javax.net.ssl.SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // checks "localhost" against the names, as HTTPS clients do
                s.setSSLParameters(p);
                String got = new String(s.getInputStream().readNBytes(5), java.nio.charset.StandardCharsets.US_ASCII);
                serving.join(java.time.Duration.ofSeconds(10));
                return got;
            }
        }
    }
}
