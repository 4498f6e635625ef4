package io.cleave.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Certificates replaced while calls flow: every call succeeds, connections opened after a
 * rotation present the new certificates, and they are accepted once the old ones expired.
 */
class RotationTest {

    private static final int ROUNDS = 4;
    private static final int CALLERS = 4;
    private static final Duration LIFETIME = Duration.ofMinutes(10);

    @Test
    void rotatingBothSidesUnderLoadLosesNoCall() throws Exception {
        Pki pki = new Pki();
        EchoImpl impl = new EchoImpl("echo");
        Credentials serverCredentials = pki.credentials(Identity.replica(Pki.APP, "Echo", 0), LIFETIME);
        Credentials clientCredentials = pki.credentials(Identity.replica(Pki.APP, "Greeter", 0), LIFETIME);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> callers = new ArrayList<>();

        try (RpcServer server = RpcServer.builder().host(Echo_Cleave.DESCRIPTOR, impl)
                .tls(serverCredentials, (caller, component) -> java.util.Optional.empty()).start();
                RpcClient client = RpcClient.builder().tls(clientCredentials).build()) {
            Echo echo = client.stub(Echo_Cleave.DESCRIPTOR, RoutingTable.of(server.replica()));
            for (int i = 0; i < CALLERS; i++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    for (int n = 0; n < 1_000_000 && !stop.get() && failure.get() == null; n++) {
                        try {
                            echo.echo("call " + n);
                            succeeded.incrementAndGet();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            for (int round = 1; round <= ROUNDS; round++) {
                X509Certificate clientCertificate = pki.renew(clientCredentials, LIFETIME);
                pki.renew(serverCredentials, LIFETIME);
                pki.clock.advance(LIFETIME.minusMinutes(1)); // the certificates replaced are past their end now

                server.goAwayAll("rotation " + round + ": open a new connection");

                awaitUntil(() -> server.peerCertificates().contains(clientCertificate) || failure.get() != null,
                        "the client to connect with its new certificate in round " + round);
                // counted from here, the calls are on the new connection: every one of the old is
                // among the few in flight when the server said GOAWAY
                int before = succeeded.get() + CALLERS;
                awaitUntil(() -> succeeded.get() > before + 100 || failure.get() != null, "calls to go on in round " + round);
                assertThat(failure.get()).as("a call failed in round " + round).isNull();
                assertThat(client.status(server.replica()).health())
                        .as("health once calls flow on the new connection, round " + round).isEqualTo(Health.HEALTHY);
            }
            stopAll(stop, callers);
        } finally {
            stopAll(stop, callers);
        }

        assertThat(failure.get()).as("a call failed").isNull();
        assertThat(impl.calls.get()).isEqualTo(succeeded.get());
    }

    /** Stops the callers and waits for them, before the client closes under their calls. */
    private static void stopAll(AtomicBoolean stop, List<Thread> callers) throws InterruptedException {
        stop.set(true);
        for (Thread t : callers) {
            if (!t.join(Duration.ofSeconds(30))) {
                throw new AssertionError("a caller did not stop within 30 s");
            }
        }
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition, String what) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
