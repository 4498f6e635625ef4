package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.CircuitOpenException;
import io.cleave.Cleave;
import io.cleave.ComponentUnavailableException;
import io.cleave.deploy.app.Bomb;
import io.cleave.deploy.app.Counter;
import io.cleave.deploy.app.Greeter;
import io.cleave.deploy.app.NamelessException;
import io.cleave.spi.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One application started once for the class under the multi deployer: Counter in its own
 * group with 2 replicas, Greeter and Bomb sharing a group. The kill tests run last, since they
 * restart replicas.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiDeployerTest {

    /** [multi] class-data-dir. */
    private static final Path ARCHIVES = TestApps.classDataDirectory();
    private static App app;
    private static SupervisorHandle supervisor;
    /** When the class's application started: its archive is written after (the directory has other tests' too). */
    private static Instant started;

    @BeforeAll
    static void start() {
        started = Instant.now().minusSeconds(1); // file times may be coarser than the clock
        // killed replicas stay down for 2 s: restarted from the class-data archive, they would answer again in half a
        // second, before the breaker of the last test has seen the failures that open it
        app = Cleave.app().configText(TestApps.config("multi-test", MultiDeployerTest.class, "2s", """
                groups = [["Greeter", "Bomb"]]

                [multi.replicas]
                Counter = 2

                [Greeter]
                greeting = "Hello"

                [resilience.Counter]
                breaker-open-for = "10m"   # only news that Counter answers again lets its open breaker probe
                """)).start();
        supervisor = SupervisorHandle.find(TestApps.stateDirectory(MultiDeployerTest.class), Optional.of("multi-test"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void callsCrossProcessesWithResultsAndDeclaredExceptions() throws Exception {
        Greeter greeter = app.component(Greeter.class);

        String first = greeter.greet("Ada");
        String second = greeter.greet("Ada");

        assertThat(first).isEqualTo("Hello, Ada! (visit 1)");
        assertThat(second).isEqualTo("Hello, Ada! (visit 2)");
        assertThatThrownBy(() -> greeter.greet(" ")).isInstanceOf(NamelessException.class)
                .hasMessage("a visitor needs a name");
    }

    @Test
    @Order(2)
    void runsEachGroupReplicaInItsOwnProcess() {
        StatusReport status = supervisor.status();

        assertThat(status.groups()).extracting(g -> Set.copyOf(g.components()))
                .containsExactlyInAnyOrder(Set.of("Counter"), Set.of("Greeter", "Bomb"));
        assertThat(status.groups()).extracting(StatusReport.Group::name).contains("Counter");
        List<Long> pids = status.groups().stream().flatMap(g -> g.replicas().stream())
                .map(r -> r.pid().orElseThrow()).toList();
        assertThat(pids).hasSize(3).doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid());
        assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertThat(app.component(Bomb.class).tick()).isEqualTo("tick");
    }

    @Test
    @Order(3)
    void routesTheSameKeyToTheSameReplica() {
        Counter counter = app.component(Counter.class);
        Set<Long> replicaPids = new HashSet<>(counterPids(supervisor.status()));

        Set<Long> seen = new HashSet<>();
        for (int k = 0; k < 40; k++) {
            String key = "key-" + k;
            long owner = counter.pidFor(key);
            for (int i = 0; i < 5; i++) {
                assertThat(counter.pidFor(key)).as("replica of %s, call %d", key, i).isEqualTo(owner);
            }
            seen.add(owner);
        }

        assertThat(seen).as("40 keys spread over both replicas").isEqualTo(replicaPids);
    }

    @Test
    @Order(4)
    void statusListsGroupsReplicasPidsAddressesHealthAndUptime() {
        StatusReport status = supervisor.status();
        String table = status.format();

        assertThat(status.application()).isEqualTo("multi-test");
        assertThat(status.state()).isEqualTo("running");
        assertThat(status.supervisorPid()).isEqualTo(ProcessHandle.current().pid());
        StatusReport.ReplicaReport counter1 = status.replica("Counter", 1).orElseThrow();
        assertThat(counter1.state()).isEqualTo("running");
        assertThat(counter1.health()).isEqualTo("HEALTHY");
        assertThat(counter1.address()).hasValueSatisfying(a -> assertThat(a).matches("127\\.0\\.0\\.1:[0-9]+"));
        assertThat(counter1.uptime(status.at())).hasValueSatisfying(u -> assertThat(u).isPositive());
        assertThat(table).startsWith("app multi-test  supervisor pid " + ProcessHandle.current().pid() + "  running  up ")
                .contains("GROUP", "REPLICA", "PID", "ADDRESS", "HEALTH", "UPTIME", "RESTARTS", "STATE");
        assertThat(table.lines().filter(l -> l.startsWith("Counter ")))
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("127.0.0.1:", "HEALTHY", "running"))
                .anySatisfy(l -> assertThat(l).contains(" " + counter1.pid().orElseThrow() + " ", counter1.address().orElseThrow()));
    }

    @Test
    @Order(5)
    void logsEveryProcessInOneTimeOrderedStreamTaggedByGroupAndReplica() throws Exception {
        app.component(Counter.class).pid(); // something has happened before reading

        List<String> lines = new ArrayList<>();
        supervisor.logs(lines::add, false, Optional.empty());
        List<String> counterOnly = new ArrayList<>();
        supervisor.logs(counterOnly::add, false, Optional.of("Counter"));

        assertThat(supervisor.log()).exists();
        assertThat(Files.readAllLines(supervisor.log())).isEqualTo(lines);
        assertThat(lines).anyMatch(l -> l.matches("\\S+ Counter/0 INFO .*Counter/0 \\(pid [0-9]+\\) serves \\[Counter\\] on 127.0.0.1:[0-9]+"))
                .anyMatch(l -> l.matches("\\S+ Counter/1 INFO .*Counter/1 \\(pid [0-9]+\\) serves \\[Counter\\] on 127.0.0.1:[0-9]+"))
                .anyMatch(l -> l.contains(" supervisor Counter/1 ready on 127.0.0.1:"));
        List<Instant> stamps = lines.stream().map(l -> Instant.parse(l.substring(0, l.indexOf(' ')))).toList();
        List<Instant> sorted = new ArrayList<>(stamps);
        Collections.sort(sorted);
        assertThat(stamps).isEqualTo(sorted);
        assertThat(counterOnly).isNotEmpty().allMatch(l -> l.split(" ", 3)[1].startsWith("Counter/"));
    }

    /**
     * 2,000 calls from 4 threads, half idempotent reads, half increments; replica 1 of Counter
     * is killed with SIGKILL a quarter of the way through.
     */
    @Test
    @Order(6)
    void survivesAReplicaKilledMidStreamAndRestartsIt() throws Exception {
        // the children have a class-data archive (the supervisor had it written from the classes they loaded), though these
        // classes run from target/test-classes and target/classes: the children's class path has its jars first
        Await.until(Duration.ofSeconds(120), "the class-data archive written", () -> archive(ARCHIVES).isPresent());
        Counter counter = app.component(Counter.class);
        long victim = supervisor.status().replica("Counter", 1).orElseThrow().pid().orElseThrow();
        int workers = 4;
        int calls = 2_000;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        CountDownLatch quarterDone = new CountDownLatch(calls / 4);
        CountDownLatch killed = new CountDownLatch(1);
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
                    if (i == calls / 2) {
                        awaitQuietly(killed); // the second half runs after the kill, whatever the speed
                    }
                    String key = "k" + (i % 64);
                    boolean idempotent = i % 2 == 0;
                    long started = System.nanoTime();
                    inFlight.incrementAndGet();
                    try {
                        if (idempotent) {
                            counter.count(key);
                        } else {
                            counter.increment(key);
                        }
                    } catch (RuntimeException e) {
                        failures.add(new Failure(idempotent, started, e));
                    } finally {
                        inFlight.decrementAndGet();
                        quarterDone.countDown();
                    }
                }
            }));
        }

        assertThat(quarterDone.await(60, TimeUnit.SECONDS)).isTrue();
        int inFlightAtKill = inFlight.get();
        ProcessHandle process = ProcessHandle.of(victim).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(10, TimeUnit.SECONDS);
        long dead = System.nanoTime();
        killed.countDown();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }

        assertThat(next.get()).isGreaterThanOrEqualTo(calls);
        assertThat(failures).as("idempotent calls are retried on the other replica")
                .noneMatch(Failure::idempotent);
        assertThat(failures).as("non-idempotent failures: only calls in flight at the kill (at most one per worker)")
                .hasSizeLessThanOrEqualTo(workers)
                .allSatisfy(f -> {
                    assertThat(f.error()).isInstanceOf(ComponentUnavailableException.class);
                    assertThat(f.started()).as("started before the replica died").isLessThan(dead);
                });
        System.out.printf("kill test: %d calls, %d in flight at the kill, %d non-idempotent failures%n", calls,
                inFlightAtKill, failures.size());

        Await.until(Duration.ofSeconds(30), "Counter/1 restarted and healthy", () -> {
            StatusReport.ReplicaReport r = supervisor.status().replica("Counter", 1).orElseThrow();
            return r.state().equals("running") && r.health().equals("HEALTHY") && r.pid().isPresent()
                    && r.pid().getAsLong() != victim;
        });
        StatusReport.ReplicaReport back = supervisor.status().replica("Counter", 1).orElseThrow();
        assertThat(back.restarts()).isEqualTo(1);
        assertThat(back.lastExit()).hasValueSatisfying(e -> assertThat(e).startsWith("exit 137"));
        long newPid = back.pid().getAsLong();
        Await.until(Duration.ofSeconds(10), "calls reach the restarted replica", () -> counter.pid() == newPid);
        assertThat(Files.readString(Path.of("/proc", Long.toString(newPid), "maps")))
                .as("the restarted replica maps the archive: the JDK took its library classes from it")
                .contains(archive(ARCHIVES).orElseThrow().toString());
    }

    /** The newest class-data archive written or used since this class's application started. */
    private static Optional<Path> archive(Path archives) {
        try (var files = Files.list(archives)) {
            return files.filter(f -> f.getFileName().toString().startsWith("classes-") && f.getFileName().toString().endsWith(".jsa"))
                    .filter(f -> modified(f).isAfter(started))
                    .max(java.util.Comparator.comparing(MultiDeployerTest::modified));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static Instant modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (java.io.IOException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * Both Counter replicas killed: this process's breaker for Counter opens, and its ten minutes
     * open would refuse every call long after the supervisor restarted them; the restarted
     * replicas answering the health checks lets it probe at once, and the probes close it.
     */
    @Test
    @Order(7)
    void anOpenBreakerProbesAsSoonAsTheRestartedReplicasAnswer() throws Exception {
        Counter counter = app.component(Counter.class);
        List<Long> victims = new ArrayList<>();
        for (int replica = 0; replica < 2; replica++) {
            victims.add(supervisor.status().replica("Counter", replica).orElseThrow().pid().orElseThrow());
        }
        for (long pid : victims) {
            ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
            process.destroyForcibly();
            process.onExit().get(10, TimeUnit.SECONDS);
        }

        Await.until(Duration.ofSeconds(30), "the breaker of the calls to Counter open", () -> refused(counter));
        String open = app.calls().get("Counter");
        Await.until(Duration.ofSeconds(60), "both Counter replicas restarted and healthy", () -> {
            for (int replica = 0; replica < 2; replica++) {
                StatusReport.ReplicaReport r = supervisor.status().replica("Counter", replica).orElseThrow();
                if (!r.health().equals("HEALTHY") || r.pid().isEmpty() || victims.contains(r.pid().getAsLong())) {
                    return false;
                }
            }
            return true;
        });
        long healthy = System.nanoTime();
        Await.until(Duration.ofSeconds(10), "a call to Counter answered", () -> answers(counter));
        System.out.printf("breaker test: the first call answered %d ms after the supervisor saw both replicas healthy"
                + " (the breaker would have refused for 10 minutes)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healthy));
        for (int i = 0; i < 20; i++) {
            counter.count("after-" + i);
        }

        assertThat(open).contains("breaker OPEN");
        assertThat(app.calls().get("Counter")).contains("breaker CLOSED");
    }

    /** Whether a call to Counter answers. */
    private static boolean answers(Counter counter) {
        try {
            counter.count("probe");
            return true;
        } catch (ComponentUnavailableException e) {
            return false; // refused by the breaker, or not answered
        }
    }

    /** Whether a call to Counter is refused by this process's breaker (any other failure: not yet). */
    private static boolean refused(Counter counter) {
        try {
            counter.count("probe");
            return false;
        } catch (CircuitOpenException e) {
            return true;
        } catch (ComponentUnavailableException e) {
            return false;
        }
    }

    private record Failure(boolean idempotent, long started, RuntimeException error) {
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Long> counterPids(StatusReport status) {
        return status.groups().stream().filter(g -> g.name().equals("Counter")).flatMap(g -> g.replicas().stream())
                .map(r -> r.pid().orElseThrow()).toList();
    }
}
