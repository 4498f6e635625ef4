package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.StartupException;
import io.cleave.deploy.app.Greeter;
import io.cleave.spi.testing.Await;
import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Identity;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;

/**
 * Certificates supplied as files, one directory per group as cert-manager secrets would be
 * mounted ({@code tls.crt}, {@code tls.key}, {@code ca.crt}): every process reads its own,
 * and reads it again when it is renewed in place.
 */
class CertificateFilesTest {

    private static final String APP = "files-test";

    @Test
    void everyProcessReadsItsOwnCertificateAndTakesARenewedOne() throws Exception {
        Path dir = TestApps.stateDirectory(CertificateFilesTest.class).resolve("certs");
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.generate(APP);
        Files.writeString(dir.resolve("ca.crt"), pem(ca.certificate()));
        write(ca, Identity.deployment(APP), dir.resolve("supervisor"));
        for (String group : List.of("Counter", "Greeter", "Bomb")) {
            write(ca, new Identity(APP, Optional.of(group), java.util.OptionalInt.empty()), dir.resolve(group));
        }
        String config = TestApps.config(APP, CertificateFilesTest.class, """
                [transport]
                ca-cert = "%1$s/ca.crt"
                cert = "%1$s/{group}/tls.crt"
                key = "%1$s/{group}/tls.key"

                [Greeter]
                greeting = "Hello"
                """.formatted(dir));

        try (App app = Cleave.app().configText(config).start()) {
            SupervisorHandle supervisor = SupervisorHandle.find(TestApps.stateDirectory(CertificateFilesTest.class),
                    Optional.of(APP));
            assertThat(app.component(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada! (visit 1)");

            write(ca, new Identity(APP, Optional.of("Counter"), java.util.OptionalInt.empty()), dir.resolve("Counter"));

            Await.until(Duration.ofSeconds(40), "Counter/0 reads its renewed certificate", () -> log(supervisor)
                    .contains("Counter/0 read its renewed certificate"));
            assertThat(app.component(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada! (visit 2)");
        }
    }

    @Test
    void aCertificateNamingAnotherGroupStopsTheStartNamingTheFile() throws Exception {
        Path dir = TestApps.stateDirectory(CertificateFilesTest.class).resolve("wrong");
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.generate(APP);
        Files.writeString(dir.resolve("ca.crt"), pem(ca.certificate()));
        write(ca, Identity.replica(APP, "Counter", 0), dir.resolve("supervisor")); // not the supervisor's

        assertThatThrownBy(() -> Cleave.app().configText(TestApps.config("files-wrong", CertificateFilesTest.class, """
                [transport]
                ca-cert = "%1$s/ca.crt"
                cert = "%1$s/{group}/tls.crt"
                key = "%1$s/{group}/tls.key"
                """.formatted(dir))).start()).isInstanceOf(StartupException.class)
                .hasMessageContaining("[transport] cert " + dir.resolve("supervisor/tls.crt") + " names"
                        + " cleave://files-test/group/Counter/0, but this process is cleave://files-wrong/supervisor");
    }

    private static String log(SupervisorHandle supervisor) {
        try {
            return Files.readString(supervisor.log());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A new key and certificate in {@code to}, each file replaced at once, as kubelet swaps a secret's files. */
    private static void write(CertificateAuthority ca, Identity identity, Path to) throws IOException {
        Files.createDirectories(to);
        KeyPair keys = CertificateAuthority.newKeyPair();
        List<X509Certificate> chain = ca.issue(keys.getPublic(), identity, Duration.ofHours(1));
        Path key = to.resolve("tls.key.new");
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
        Files.writeString(to.resolve("tls.crt.new"), pem(chain.toArray()));
        Files.copy(to.getParent().resolve("ca.crt"), to.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(key, to.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(to.resolve("tls.crt.new"), to.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
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
