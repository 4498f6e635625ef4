package io.cleave.events;

import static io.cleave.events.EventsTest.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.spi.testing.Await;
import io.cleave.spi.testing.LinkedPostgres;
import io.cleave.spi.testing.Namespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relaying process cut off from the database, not dead: its link goes down, packets vanish,
 * nothing is closed. Two processes host Ledger on one PostgreSQL server: the first, in a network
 * namespace of its own joined to the server's by a veth pair, leads the relay; the test's own
 * process waits to. With the link down the server must end the leader's session within seconds
 * ({@link io.cleave.Store#session()}), so the lock passes and the events committed meanwhile are
 * delivered; with the link back the old leader follows, and every event is applied once, in order
 * per key. Skipped, loudly, where namespaces cannot be made ({@link Namespaces}); never under CI=true.
 */
class RelayCutOffTest {

    private static final String ID = Long.toString(ProcessHandle.current().pid() % 100_000);
    private static final String NS = "clv-ev-" + ID;
    private static final String SERVER_ADDRESS = "198.18.7.1";
    private static final String HOST_ADDRESS = "198.18.7.2";
    private static final Duration HANDOVER = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static LinkedPostgres postgres;
    private static Process leader;
    private static App follower;

    @BeforeAll
    static void start() throws Exception {
        postgres = LinkedPostgres.startOrSkip("RelayCutOffTest", dir, NS, SERVER_ADDRESS, HOST_ADDRESS);

        leader = new ProcessBuilder(Namespaces.java(NS, CutOffHost.class, config("leader", SERVER_ADDRESS).toString()))
                .redirectError(dir.resolve("leader.log").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as("the process in the namespace started (its log: leader.log)").isEqualTo("ready");
        Await.until(HANDOVER, "the process in the namespace leading the relay", () -> postgres.advisoryLocksOf(HOST_ADDRESS) > 0,
                () -> "advisory locks of " + HOST_ADDRESS + ": " + postgres.advisoryLocksOf(HOST_ADDRESS));
        follower = Cleave.app().configText(Files.readString(config("follower", "127.0.0.1"))).start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (follower != null) {
                follower.close();
            }
            if (leader != null) {
                Namespaces.end(leader);
            }
        } finally {
            if (postgres != null) {
                postgres.close(); // and the namespace, with its link
            }
        }
    }

    @Test
    void aLeaderCutOffFromTheDatabaseLosesTheRelayWithinSecondsAndNothingIsLostOrAppliedTwice() throws Exception {
        Ledger ledger = follower.component(Ledger.class);
        Audit audit = follower.component(Audit.class);
        String prefix = EventsTest.unique("cut-off");

        post(ledger, prefix, 0, 10);
        Await.until(HANDOVER, "10 events applied by the leader's relay", () -> of(audit.seen(), prefix).size() >= 10,
                () -> of(audit.seen(), prefix).size());
        postgres.setLink(false); // its packets now vanish; nothing is closed
        long cut = System.nanoTime();
        post(ledger, prefix, 10, 10);
        Await.until(HANDOVER, "20 events applied after the leader was cut off", () -> of(audit.seen(), prefix).size() >= 20,
                () -> of(audit.seen(), prefix).size() + ", advisory locks of the cut-off process " + postgres.advisoryLocksOf(HOST_ADDRESS));
        System.out.printf("relay cut off: the events committed after the cut were applied %d ms after it%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut));
        int locksOfTheCutOff = postgres.advisoryLocksOf(HOST_ADDRESS);
        postgres.setLink(true);
        post(ledger, prefix, 20, 10);
        Await.until(HANDOVER, "30 events applied with the link back", () -> of(audit.seen(), prefix).size() >= 30,
                () -> of(audit.seen(), prefix).size());
        Await.until(HANDOVER, "the process in the namespace reconnected", () -> postgres.sessionsOf(HOST_ADDRESS) > 0,
                () -> postgres.sessionsOf(HOST_ADDRESS));
        post(ledger, prefix, 30, 10);
        Await.until(HANDOVER, "40 events applied", () -> of(audit.seen(), prefix).size() >= 40,
                () -> of(audit.seen(), prefix).size());

        List<String> committed = of(ledger.entries(), prefix);
        List<String> seen = of(audit.seen(), prefix);
        assertThat(locksOfTheCutOff).as("locks the server still held for the cut-off process").isZero();
        assertThat(leader.isAlive()).as("the cut-off process lived through it").isTrue();
        assertThat(committed).hasSize(40);
        assertThat(seen).as("applied exactly the committed events, each once").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(committed);
        for (int account = 0; account < 2; account++) {
            String name = prefix + "-" + account + ":";
            List<String> inOrder = of(committed, name).stream()
                    .sorted(Comparator.comparingLong(e -> Long.parseLong(e.substring(name.length())))).toList();
            assertThat(of(seen, name)).as("applied order of " + name).containsExactlyElementsOf(inOrder);
        }
    }

    /** Posts {@code count} entries, alternating between two accounts. */
    private static void post(Ledger ledger, String prefix, int from, int count) {
        for (int i = from; i < from + count; i++) {
            ledger.post(prefix + "-" + (i % 2), i);
        }
    }

    private static Path config(String name, String host) throws IOException {
        Path file = dir.resolve(name + ".toml");
        Files.writeString(file, """
                [app]
                name = "events-cut-off"
                data-dir = "%s"

                [data]
                url = "jdbc:postgresql://%s:%d/postgres"
                user = "postgres"
                password = ""
                component-roles = false

                [events]
                max-attempts = 3
                initial-backoff = "50ms"
                max-backoff = "200ms"
                poll-interval = "200ms"
                """.formatted(dir.resolve(name + "-data"), host, postgres.port()));
        return file;
    }
}
