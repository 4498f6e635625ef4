package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.ComponentUnavailableException;
import io.cleave.deploy.app.Counter;
import io.cleave.deploy.app.Counter_Cleave;
import io.cleave.deploy.app.Greeter;
import io.cleave.spi.testing.Await;
import io.cleave.transport.CertificateAuthority;
import io.cleave.transport.Credentials;
import io.cleave.transport.Identity;
import io.cleave.transport.Replica;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multi deployment locked down: mutual TLS between every process (here from an authority
 * given as files, so the test can issue certificates of its own), calls only along the
 * component graph, and a status port that wants the supervisor's secret. Each refusal leaves
 * the callee's state as it was. Counter, Greeter (whose constructor asks for Counter) and Bomb
 * (which asks for nothing) each run alone.
 */
class MultiSecurityTest {

    private static final String APP = "secure-test";
    private static Path dir;
    private static CertificateAuthority ca;
    private static App app;
    private static SupervisorHandle supervisor;

    @BeforeAll
    static void start() throws IOException {
        dir = TestApps.stateDirectory(MultiSecurityTest.class);
        Files.createDirectories(dir);
        ca = CertificateAuthority.generate(APP);
        ca.writePem(dir.resolve("ca.crt"), dir.resolve("ca.key"));
        app = Cleave.app().configText(TestApps.config(APP, MultiSecurityTest.class, """
                [transport]
                ca-cert = "%s"
                ca-key = "%s"

                [Greeter]
                greeting = "Hello"
                """.formatted(dir.resolve("ca.crt"), dir.resolve("ca.key")))).start();
        supervisor = SupervisorHandle.find(dir, Optional.of(APP));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void allowedCallsFlowAcrossProcesses() throws Exception {
        assertThat(app.component(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada! (visit 1)");
        assertThat(app.component(Counter.class).count("Ada")).isEqualTo(1);
        assertThat(Files.readString(supervisor.log())).contains("mutual TLS between processes: certificates from the authority in "
                + dir.resolve("ca.crt"));
    }

    @Test
    void aValidCertificateOfAGroupNotAllowedToCallIsRefusedAndNothingRuns() {
        Credentials bomb = issued(Identity.replica(APP, "Bomb", 0));

        try (RpcClient client = RpcClient.builder().tls(bomb).maxAttempts(1).build()) {
            Counter counter = client.stub(Counter_Cleave.DESCRIPTOR, RoutingTable.of(counterAddress()));

            assertThatThrownBy(() -> counter.increment("bomb")).isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                assertThat(e.certainlyNotDelivered()).isTrue();
                assertThat(e).hasMessageContaining("refused: Bomb/0 may not call Counter.increment: only Greeter (hosting a"
                        + " component whose constructor asks for Counter) and the supervisor may call it");
            });
        }

        assertThat(app.component(Counter.class).count("bomb")).as("the callee's state").isZero();
        Await.until(Duration.ofSeconds(10), "the refusal in the log", () -> log().contains("refused a call from")
                && log().contains("Bomb/0 may not call Counter.increment"));
    }

    @Test
    void aConnectionWithoutACertificateIsRefusedAndNothingRuns() {
        try (RpcClient client = RpcClient.builder().maxAttempts(1).build()) {
            Counter counter = client.stub(Counter_Cleave.DESCRIPTOR, RoutingTable.of(counterAddress()));

            assertThatThrownBy(() -> counter.increment("plain")).isInstanceOf(ComponentUnavailableException.class);
        }

        assertThat(app.component(Counter.class).count("plain")).isZero();
    }

    @Test
    void aCertificateFromAnotherAuthorityIsRefusedAndNothingRuns() {
        CertificateAuthority other = CertificateAuthority.generate(APP);
        KeyPair keys = CertificateAuthority.newKeyPair();
        Credentials forged = Credentials.create(keys.getPrivate(), other.issue(keys.getPublic(),
                Identity.replica(APP, "Greeter", 0), Duration.ofHours(1)), List.of(ca.certificate()));

        try (RpcClient client = RpcClient.builder().tls(forged).maxAttempts(1).build()) {
            Counter counter = client.stub(Counter_Cleave.DESCRIPTOR, RoutingTable.of(counterAddress()));

            assertThatThrownBy(() -> counter.increment("forged")).isInstanceOfSatisfying(ComponentUnavailableException.class,
                    e -> assertThat(e.certainlyNotDelivered()).isTrue());
        }

        assertThat(app.component(Counter.class).count("forged")).isZero();
    }

    @Test
    void aStatusRequestWithoutTheSecretIsRefusedWhileCleaveStatusWorks() throws IOException {
        Path state = dir.resolve(APP).resolve(StateFile.NAME);
        int port = new StateFile(state).read().orElseThrow().statusPort();

        String bare = ask(port, "STATUS");
        String wrong = ask(port, "STATUS 00000000000000000000000000000000");

        assertThat(bare).contains("\"error\"").contains("refused").doesNotContain("Counter");
        assertThat(wrong).contains("refused").doesNotContain("Counter");
        assertThat(supervisor.status().groups()).extracting(StatusReport.Group::name).contains("Counter", "Greeter", "Bomb");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(supervisor.log()))).isEqualTo("rw-------");
        assertThat(log()).contains("refused a status request");
    }

    private static String ask(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static Credentials issued(Identity identity) {
        KeyPair keys = CertificateAuthority.newKeyPair();
        return Credentials.create(keys.getPrivate(), ca.issue(keys.getPublic(), identity, Duration.ofHours(1)),
                List.of(ca.certificate()));
    }

    private static Replica counterAddress() {
        return Replica.parse(supervisor.status().groups().stream().filter(g -> g.name().equals("Counter")).findFirst()
                .orElseThrow().replicas().get(0).address().orElseThrow());
    }

    private static String log() {
        try {
            return Files.readString(supervisor.log());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
