package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.deploy.app.Counter;
import io.cleave.deploy.app.Greeter;
import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Certificates that live 6 s, renewed by every process after 4, while calls flow: none fails.
 * Once every process renewed twice, the certificates it started with have expired; then a
 * replica is killed and restarted, and everyone's new connections to it (made with renewed
 * certificates, to a process with a fresh one) carry calls again.
 */
class CertificateRenewalTest {

    @Test
    void renewingUnderLoadLosesNoCallAndNewConnectionsUseTheRenewedCertificates() throws Exception {
        try (App app = Cleave.app().configText(TestApps.config("renewal-test", CertificateRenewalTest.class, """
                groups = [["Greeter"]]

                [multi.replicas]
                Counter = 2

                [transport]
                cert-lifetime = "6s"

                [Greeter]
                greeting = "Hi"
                """)).start()) {
            SupervisorHandle supervisor = SupervisorHandle.find(TestApps.stateDirectory(CertificateRenewalTest.class),
                    Optional.of("renewal-test"));
            Counter counter = app.component(Counter.class);
            Greeter greeter = app.component(Greeter.class);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger calls = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int worker = w;
                workers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 1_000_000 && !stop.get(); i++) {
                        try {
                            counter.count("key-" + worker + "-" + (i % 50)); // idempotent: may be retried on the sibling
                            calls.incrementAndGet();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                            return;
                        }
                    }
                }));
            }
            try {
                Await.until(Duration.ofSeconds(60), "every process renewed its certificate twice", () -> renewals(supervisor) >= 2);
                assertThat(failure.get()).as("a call failed while certificates were renewed").isNull();
                assertThat(greeter.greet("Ada")).as("Greeter's client, on renewed certificates").startsWith("Hi, Ada!");

                StatusReport.ReplicaReport second = replica(supervisor, 1);
                ProcessHandle.of(second.pid().orElseThrow()).orElseThrow().destroyForcibly();
                Await.until(Duration.ofSeconds(60), "Counter/1 restarted and healthy", () -> {
                    StatusReport.ReplicaReport r = replica(supervisor, 1);
                    return r.pid().isPresent() && r.pid().getAsLong() != second.pid().getAsLong() && r.health().equals("HEALTHY");
                });
                long restarted = replica(supervisor, 1).pid().orElseThrow();
                Await.until(Duration.ofSeconds(10), "calls reach the restarted replica", () -> counter.pid() == restarted);
                for (int i = 0; i < 20; i++) {
                    assertThat(greeter.greet("Grace" + i)).startsWith("Hi, Grace" + i + "!"); // Greeter to both replicas
                }
            } finally {
                stop.set(true);
                for (Thread t : workers) {
                    t.join(Duration.ofSeconds(30));
                }
            }
            assertThat(failure.get()).as("a call failed").isNull();
            assertThat(calls.get()).isPositive();
            System.out.printf("renewal test: %d calls, no failure%n", calls.get());
        }
    }

    /** The fewest renewals any process logged: supervisor, Counter/0, Counter/1, Greeter/0. */
    private static int renewals(SupervisorHandle supervisor) {
        String log;
        try {
            log = Files.readString(supervisor.log());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int fewest = Integer.MAX_VALUE;
        for (String tag : List.of(" supervisor ", " Counter/0 ", " Counter/1 ", " Greeter/0 ")) {
            fewest = Math.min(fewest, (int) log.lines().filter(l -> l.contains(tag) && l.contains("renewed its certificate")).count());
        }
        return fewest;
    }

    private static StatusReport.ReplicaReport replica(SupervisorHandle supervisor, int index) {
        return supervisor.status().groups().stream().filter(g -> g.name().equals("Counter")).findFirst().orElseThrow()
                .replicas().get(index);
    }
}
