package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cleave.ComponentUnavailableException;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A server with mutual TLS: who may connect, who may call what, and what the callee learns of
 * its caller. Every refusal leaves the callee's state as it was ({@link EchoImpl#calls}).
 */
class MutualTlsTest {

    /** Echo may be called by group Greeter (its constructor asks for Echo, say) and by the deployment. */
    private static final Authorizer ONLY_GREETER = (caller, component) -> caller.isDeployment()
            || caller.group().orElseThrow().equals("Greeter") ? Optional.empty()
            : Optional.of("only Greeter, whose constructor asks for " + component + ", and the supervisor may call it");

    private static Pki pki;
    private static EchoImpl impl;
    private static RpcServer server;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() {
        pki = new Pki();
        impl = new EchoImpl("echo");
        server = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl).tls(pki.replica("Echo", 0), ONLY_GREETER).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void captureServerLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(RpcServer.class)).addAppender(log);
    }

    @AfterEach
    void releaseServerLog() {
        ((Logger) LoggerFactory.getLogger(RpcServer.class)).detachAppender(log);
    }

    @Test
    void anAllowedGroupCallsAndTheCalleeKnowsItFromItsCertificate() {
        try (RpcClient client = RpcClient.builder().tls(pki.replica("Greeter", 1)).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));

            String context = echo.context();

            assertThat(echo.echo("hi")).isEqualTo("hi");
            assertThat(context.split("\\|", -1)[2]).isEqualTo("Greeter/1");
        }
    }

    @Test
    void theDeploymentMayCallEveryComponent() {
        try (RpcClient client = RpcClient.builder().tls(pki.deployment()).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));

            assertThat(echo.context().split("\\|", -1)[2]).isEqualTo("supervisor");
        }
    }

    /**
     * The supervisor's health checks are answered by a platform thread from the start: on a virtual
     * one, a pong would wait behind every virtual thread of a process busy with a spike, and the
     * supervisor would take a busy process for a hung one and kill it.
     */
    @Test
    void theDeploymentsConnectionIsReadByAPlatformThreadBeforeItCarriesACall() {
        try (RpcClient client = RpcClient.builder().tls(pki.deployment()).build()) {
            client.watch(RoutingTable.of(server.replica()));

            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!client.status(server.replica()).answering() || supervisorReaders() == 0) {
                assertThat(System.nanoTime()).as("the deployment's connection answered, read by a platform thread")
                        .isLessThan(until);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertThat(supervisorReaders()).isPositive();
        }
    }

    /** Platform threads reading a deployment's connection ({@link Thread#getAllStackTraces()} lists no virtual ones). */
    private static long supervisorReaders() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("cleave-server-reader-supervisor") && !t.isVirtual()).count();
    }

    @Test
    void aGroupNotAllowedIsRefusedBeforeTheMethodRunsNamingCallerComponentAndMethod() {
        int before = impl.calls.get();
        try (RpcClient client = RpcClient.builder().tls(pki.replica("Bomb", 0)).maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));

            assertThatThrownBy(() -> echo.echo("sneaky")).isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                assertThat(e.certainlyNotDelivered()).isTrue();
                assertThat(e).hasMessageContaining("refused: Bomb/0 may not call Echo.echo: only Greeter, whose constructor"
                        + " asks for Echo, and the supervisor may call it");
            });
            assertThatThrownBy(echo::whoAmI).hasMessageContaining("Bomb/0 may not call Echo.whoAmI");
        }

        assertThat(impl.calls).as("the callee never ran").hasValue(before);
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("refused a call from")
                .contains("Bomb/0 may not call Echo.echo"));
    }

    @Test
    void aPlaintextClientIsRefused() {
        EchoImpl callee = new EchoImpl("own");
        try (RpcServer own = ownServer(callee); RpcClient client = RpcClient.builder().maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(own.replica()));

            assertThatThrownBy(() -> echo.echo("plain")).isInstanceOf(ComponentUnavailableException.class);
        }

        assertThat(callee.calls).hasValue(0);
        assertThat(awaitWarning("refused a connection from")).contains("refused a connection from");
    }

    @Test
    void aTlsClientWithoutACertificateIsRefusedAtTheHandshake() throws Exception {
        EchoImpl callee = new EchoImpl("own");
        RpcServer own = ownServer(callee);
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        anonymous.init(null, new TrustManager[] {trusting(pki.ca.certificate())}, new SecureRandom());

        try (own; Socket plain = new Socket(own.address().getAddress(), own.address().getPort())) {
            SSLSocket s = (SSLSocket) anonymous.getSocketFactory().createSocket(plain, "localhost", own.address().getPort(), true);
            s.setSoTimeout(10_000);
            s.startHandshake(); // TLS 1.3: the client's part ends before the server judges its (missing) certificate

            assertThatThrownBy(() -> {
                s.getOutputStream().write(callEcho());
                s.getOutputStream().flush();
                new DataInputStream(s.getInputStream()).readInt();
            }).as("the server answers with an alert, never with a reply").isInstanceOf(IOException.class);
        }

        assertThat(callee.calls).as("the callee never ran").hasValue(0);
        assertThat(awaitWarning("refused a connection from")).contains("refused a connection from");
    }

    @Test
    void aCertificateFromAnotherAuthorityIsRefused() {
        EchoImpl callee = new EchoImpl("own");
        Pki other = new Pki();
        Credentials forged = other.replica("Greeter", 0); // the right name, from the wrong authority
        forged.trust(List.of(pki.ca.certificate()));      // and trusting the server, so only the server can refuse

        try (RpcServer own = ownServer(callee); RpcClient client = RpcClient.builder().tls(forged).maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(own.replica()));

            assertThatThrownBy(() -> echo.echo("forged")).isInstanceOfSatisfying(ComponentUnavailableException.class,
                    e -> assertThat(e.certainlyNotDelivered()).isTrue());
        }

        assertThat(callee.calls).as("the callee never ran").hasValue(0);
        assertThat(awaitWarning("refused a connection from")).contains("is not accepted");
    }

    @Test
    void aCertificateOfAnotherApplicationIsRefused() {
        int before = impl.calls.get();
        Credentials stranger = pki.credentials(Identity.replica("blog", "Greeter", 0), Duration.ofHours(1));

        try (RpcClient client = RpcClient.builder().tls(stranger).maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));

            assertThatThrownBy(() -> echo.echo("stranger")).isInstanceOf(ComponentUnavailableException.class)
                    .hasMessageContaining("application shop");
        }

        assertThat(impl.calls).hasValue(before);
    }

    @Test
    void aClientRefusesAServerItDoesNotTrust() {
        Pki other = new Pki();
        try (RpcClient client = RpcClient.builder().tls(other.replica("Greeter", 0)).maxAttempts(1).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));

            assertThatThrownBy(() -> echo.echo("who are you")).isInstanceOfSatisfying(ComponentUnavailableException.class, e -> {
                assertThat(e.certainlyNotDelivered()).isTrue();
                assertThat(e).hasMessageContaining("cannot connect");
            });
        }
    }

    @Test
    void anExpiredCertificateIsRefusedEvenByAClientThatConnectedBefore() {
        Pki local = new Pki();
        EchoImpl callee = new EchoImpl("local");
        Credentials caller = local.credentials(Identity.replica(Pki.APP, "Greeter", 0), Duration.ofMinutes(10));
        try (RpcServer s = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, callee).tls(local.replica("Echo", 0), ONLY_GREETER).start();
                RpcClient first = RpcClient.builder().tls(caller).maxAttempts(1).build();
                RpcClient second = RpcClient.builder().tls(caller).maxAttempts(1).build()) {
            Echo before = first.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(s.replica()));
            assertThat(before.echo("fresh")).isEqualTo("fresh");

            local.clock.advance(Duration.ofMinutes(11));
            Echo after = second.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(s.replica()));

            assertThat(before.echo("open connections stay")).isEqualTo("open connections stay");
            assertThatThrownBy(() -> after.echo("expired")).as("no session is resumed past the certificate's end")
                    .isInstanceOf(ComponentUnavailableException.class);
            assertThat(callee.calls).hasValue(2);
        }
    }

    /** A server of its own: refused connections are logged at most every 10 s per server. */
    private static RpcServer ownServer(EchoImpl callee) {
        return RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, callee).tls(pki.replica("Echo", 0), ONLY_GREETER).start();
    }

    /** A REQUEST frame calling Echo.echo("x"), as any client would write it. */
    private static byte[] callEcho() {
        io.cleave.spi.Writer w = new io.cleave.spi.Writer(16);
        Echo_Cleave.ECHO.writeArguments(w, new Object[] {"x"});
        return Frame.request(1, "Echo".getBytes(StandardCharsets.UTF_8), Echo_Cleave.ECHO.id(), TimeUnit.SECONDS.toMicros(5),
                new byte[0], w.buffer(), w.size());
    }

    private static X509TrustManager trusting(X509Certificate ca) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[] {ca};
            }
        };
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The server logs a refused handshake on its reader thread, maybe just after the client saw the refusal. */
    private String awaitWarning(String text) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            for (String line : warnings()) {
                if (line.contains(text)) {
                    return line;
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new AssertionError("no WARN containing \"" + text + "\" within 10 s; got " + warnings());
    }
}
