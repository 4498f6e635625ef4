package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Namespaces;
import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Identity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three hosts made of network namespaces joined by veth pairs: host A runs the application (the
 * supervisor and its children, servers bound to every address of A and advertising
 * 198.18.1.1), host B calls Counter across its link with certificates from files, and host C
 * connects without any. The addresses are of the benchmarking range (RFC 2544), only inside
 * these namespaces. Skipped, loudly, where namespaces cannot be made; never under CI=true.
 */
class CrossHostTest {

    private static final String APP = "cross-host";
    private static final String ID = Long.toString(ProcessHandle.current().pid() % 100_000);
    private static final String A = "clv-a-" + ID;
    private static final String B = "clv-b-" + ID;
    private static final String C = "clv-c-" + ID;
    private static final List<String> MADE = new ArrayList<>();

    private static Path dir;
    private static Process host;
    private static BufferedReader hostOut;
    private static PrintWriter hostIn;
    private static String counter;

    @BeforeAll
    static void makeHosts() throws Exception {
        Namespaces.addOrSkip("CrossHostTest", A);
        MADE.add(A);
        for (String ns : List.of(B, C)) {
            Namespaces.run("ip", "netns", "add", ns);
            MADE.add(ns);
        }
        Namespaces.link(A, "cab" + ID, "198.18.1.1", B, "cba" + ID, "198.18.1.2");
        Namespaces.link(A, "cac" + ID, "198.18.2.1", C, "cca" + ID, "198.18.2.2");

        dir = TestApps.stateDirectory(CrossHostTest.class);
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.generate(APP);
        ca.writePem(dir.resolve("ca.crt"), dir.resolve("ca.key"));
        writeCertificate(ca, Identity.replica(APP, "Greeter", 0), dir.resolve("greeter"));
        writeCertificate(ca, Identity.replica(APP, "Bomb", 0), dir.resolve("bomb"));
        Path config = dir.resolve("cleave.toml");
        Files.writeString(config, TestApps.config(APP, CrossHostTest.class, """
                [transport]
                bind-host = "0.0.0.0"
                advertise-host = "198.18.1.1"
                ca-cert = "%s"
                ca-key = "%s"

                [Greeter]
                greeting = "Hello"
                """.formatted(dir.resolve("ca.crt"), dir.resolve("ca.key"))));

        host = new ProcessBuilder(Namespaces.java(A, NetnsHost.class, config.toString(), dir.toString())).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        hostOut = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        hostIn = new PrintWriter(host.getOutputStream(), true, StandardCharsets.UTF_8);
        String route = hostOut.readLine();
        assertThat(route).as("host A's first line").isNotNull().startsWith("ROUTE Counter ");
        counter = route.substring("ROUTE Counter ".length());
    }

    @AfterAll
    static void removeHosts() throws Exception {
        try {
            if (host != null) {
                hostIn.println("QUIT");
                if (!host.waitFor(60, TimeUnit.SECONDS)) {
                    host.descendants().forEach(ProcessHandle::destroyForcibly);
                    host.destroyForcibly();
                }
            }
        } finally {
            for (String ns : MADE) {
                Namespaces.delete(ns); // takes its veth ends along, and with them their peers
            }
        }
    }

    @Test
    void callsCrossHostsUnderMutualTlsAndOnlyAlongTheGraph() throws Exception {
        assertThat(counter).as("Counter advertises host A's address on the link to B").startsWith("198.18.1.1:");
        String port = counter.substring(counter.indexOf(':') + 1);

        String allowed = call(B, dir.resolve("greeter"), counter, "cross");
        String again = call(B, dir.resolve("greeter"), counter, "cross");
        String notAllowed = call(B, dir.resolve("bomb"), counter, "bomb");
        String noCertificate = call(C, null, "198.18.2.1:" + port, "plain");

        assertThat(allowed).isEqualTo("OK 1");
        assertThat(again).isEqualTo("OK 2");
        assertThat(notAllowed).startsWith("FAILED io.cleave.ComponentUnavailableException")
                .contains("refused: Bomb/0 may not call Counter.increment");
        assertThat(noCertificate).startsWith("FAILED io.cleave.ComponentUnavailableException");
        assertThat(count("cross")).as("what B was allowed to do, and nothing else").isEqualTo("COUNT 2");
        assertThat(count("bomb")).isEqualTo("COUNT 0");
        assertThat(count("plain")).isEqualTo("COUNT 0");
    }

    private static String call(String ns, Path certificates, String address, String key) throws Exception {
        Process p = new ProcessBuilder(Namespaces.java(ns, NetnsCaller.class, certificates == null ? "none" : certificates.toString(),
                address, key))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the caller in " + ns + " exits").isTrue();
            return line;
        } finally {
            p.destroyForcibly();
        }
    }

    private static String count(String key) throws IOException {
        hostIn.println("COUNT " + key);
        return hostOut.readLine();
    }

    /** tls.crt, tls.key (its owner's only) and ca.crt, as a cert-manager secret holds them. */
    private static void writeCertificate(CertificateAuthority ca, Identity identity, Path to) throws IOException {
        Files.createDirectories(to);
        KeyPair keys = CertificateAuthority.newKeyPair();
        List<X509Certificate> chain = ca.issue(keys.getPublic(), identity, Duration.ofHours(1));
        Files.writeString(to.resolve("tls.crt"), pem(chain.toArray()));
        Path key = to.resolve("tls.key");
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
        Files.writeString(to.resolve("ca.crt"), pem(ca.certificate()));
    }

    private static String pem(Object... objects) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            for (Object o : objects) {
                pem.writeObject(o);
            }
        }
        return w.toString();
    }
}
