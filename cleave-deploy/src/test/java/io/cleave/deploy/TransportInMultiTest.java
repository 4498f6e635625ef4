package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.ComponentUnavailableException;
import io.cleave.MessageTooLargeException;
import io.cleave.RemoteFailureException;
import io.cleave.deploy.app.Counter;
import io.cleave.deploy.app.Greeter;
import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code [transport]} in every process of a multi deployment (the supervisor's client, the
 * children's clients and servers), and a replica that stops answering (SIGSTOP) ejected by its
 * callers and replaced by the supervisor. One application for the class: Counter x2, and
 * Greeter with Bomb; the SIGSTOP test runs last, since it replaces a replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransportInMultiTest {

    private static final int LIMIT = 64 * 1024;

    private static App app;
    private static SupervisorHandle supervisor;

    @BeforeAll
    static void start() {
        app = Cleave.app().configText(TestApps.config("transport-test", TransportInMultiTest.class, """
                groups = [["Greeter", "Bomb"]]
                unhealthy-timeout = "3s"

                [multi.replicas]
                Counter = 2

                [Greeter]
                greeting = "Hello"

                [transport]
                default-timeout = "500ms"
                max-message-bytes = "64KiB"
                ping-interval = "500ms"
                """)).start();
        supervisor = SupervisorHandle.find(TestApps.stateDirectory(TransportInMultiTest.class), Optional.of("transport-test"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void theDefaultTimeoutEndsACallMadeWithoutADeadline() {
        Counter counter = app.component(Counter.class);

        assertThatThrownBy(() -> counter.sleep(10_000)) // would return after 10 s under the 30 s default
                .isInstanceOf(ComponentUnavailableException.class)
                .hasMessageContaining("Counter.sleep: deadline exceeded waiting for 127.0.0.1:");
        assertThat(counter.sleep(0)).isPositive();
    }

    @Test
    @Order(2)
    void theSupervisorsClientRefusesArgumentsOverTheMessageLimitBeforeSendingThem() {
        Counter counter = app.component(Counter.class);

        assertThatThrownBy(() -> counter.increment("n".repeat(100_000)))
                .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                    assertThat(e.limit()).isEqualTo(LIMIT);
                    assertThat(e).hasMessageStartingWith("Counter.increment: its arguments encode to ")
                            .hasMessageEndingWith("more than the 65536 a call between components may carry ([transport]"
                                    + " max-message-bytes); it was not sent");
                });
    }

    @Test
    @Order(3)
    void aChildsServerAnswersAReplyOverTheMessageLimitWithTheReason() {
        Counter counter = app.component(Counter.class);

        assertThatThrownBy(() -> counter.fill(100_000)).isInstanceOfSatisfying(RemoteFailureException.class, e -> {
            assertThat(e.remoteType()).isEqualTo(MessageTooLargeException.class.getName());
            assertThat(e).hasMessageContaining("Counter.fill: its reply encodes to 100005 bytes, more than the 65536 a call"
                    + " between components may carry ([transport] max-message-bytes); the method ran and its result was dropped");
        });
        assertThat(counter.fill(1_000)).hasSize(1_000);
    }

    @Test
    @Order(4)
    void aChildsClientRefusesArgumentsOverTheMessageLimitBeforeSendingThem() {
        Greeter greeter = app.component(Greeter.class);

        assertThatThrownBy(() -> greeter.countLongName(100_000)).isInstanceOfSatisfying(RemoteFailureException.class, e -> {
            assertThat(e.remoteType()).as("what Greeter's process threw when it called Counter")
                    .isEqualTo(MessageTooLargeException.class.getName());
            assertThat(e).hasMessageContaining("Counter.increment: its arguments encode to ")
                    .hasMessageContaining("more than the 65536 a call between components may carry").hasMessageEndingWith("it was not sent");
        });
        assertThat(greeter.countLongName(10)).isEqualTo(1);
    }

    /**
     * SIGSTOP: the kernel still accepts connections for the process, but nothing in it answers.
     * Calls keep coming from a worker meanwhile; the supervisor's status is polled throughout.
     */
    @Test
    @Order(5)
    void aStoppedReplicaIsEjectedByItsCallersAndReplacedWithoutFlapping() throws Exception {
        Counter counter = app.component(Counter.class);
        long survivor = supervisor.status().replica("Counter", 0).orElseThrow().pid().orElseThrow();
        long victim = supervisor.status().replica("Counter", 1).orElseThrow().pid().orElseThrow();
        List<String> victimHealth = new ArrayList<>();
        try {
            signal("STOP", victim);
            long stopped = System.nanoTime();
            Await.until(Duration.ofSeconds(20), "Counter/1 unhealthy", () -> health(victim, victimHealth).equals("UNHEALTHY"));
            long ejected = System.nanoTime() - stopped;
            List<Long> answeredBy = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answeredBy.add(counter.pid());
            }
            Await.until(Duration.ofSeconds(60), "Counter/1 replaced and answering", () -> {
                health(victim, victimHealth);
                StatusReport.ReplicaReport r = supervisor.status().replica("Counter", 1).orElseThrow();
                return r.pid().isPresent() && r.pid().getAsLong() != victim && r.health().equals("HEALTHY");
            });
            long replaced = System.nanoTime() - stopped;
            StatusReport.ReplicaReport back = supervisor.status().replica("Counter", 1).orElseThrow();

            System.out.printf("SIGSTOP: Counter/1 unhealthy after %d ms, replaced and answering after %d ms"
                    + " (ping-interval 500ms, unhealthy-timeout 3s); health seen meanwhile: %s%n",
                    TimeUnit.NANOSECONDS.toMillis(ejected), TimeUnit.NANOSECONDS.toMillis(replaced), runs(victimHealth));
            assertThat(answeredBy).as("calls after the ejection").containsOnly(survivor);
            assertThat(victimHealth.subList(victimHealth.indexOf("UNHEALTHY"), victimHealth.size()))
                    .as("once unhealthy, the stopped replica never looked healthy again").containsOnly("UNHEALTHY");
            assertThat(back.restarts()).isEqualTo(1);
            assertThat(back.lastExit()).hasValueSatisfying(e -> assertThat(e).startsWith("exit 137"));
            assertThat(ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(Files.readAllLines(supervisor.log()))
                    .anyMatch(l -> l.contains("Counter/1 has not answered for 3s ([multi] unhealthy-timeout); killing it"));
        } finally {
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The victim's health in the supervisor's status while it is the replica there, noted in {@code seen}. */
    private static String health(long victim, List<String> seen) {
        StatusReport.ReplicaReport r = supervisor.status().replica("Counter", 1).orElseThrow();
        if (r.pid().isPresent() && r.pid().getAsLong() == victim) {
            seen.add(r.health());
            return r.health();
        }
        return "";
    }

    /** {@code [HEALTHY x15, UNHEALTHY x56]}: what was seen, in order, with repeats counted. */
    private static List<String> runs(List<String> seen) {
        List<String> runs = new ArrayList<>();
        for (int i = 0, j; i < seen.size(); i = j) {
            for (j = i; j < seen.size() && seen.get(j).equals(seen.get(i)); j++) {
                // count the run
            }
            runs.add(seen.get(i) + " x" + (j - i));
        }
        return runs;
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
