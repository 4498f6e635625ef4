package io.cleave.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.deploy.MultiTestTopology;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Events in every topology: Ledger publishes {@code Posted} in the transaction that posts an
 * entry, Audit subscribes and applies each through its inbox. In {@code single} the relay calls
 * Audit's instance, in {@code single-serialized} through encoded calls, in {@code multi} over the
 * transport to Audit's process.
 */
@CleaveTest(config = "events.toml")
class EventsTest {

    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @TopologyTest
    void anEventOfARolledBackTransactionIsNeverDelivered(Ledger ledger, Audit audit) throws Exception {
        String account = unique("rollback");

        assertThatThrownBy(() -> ledger.postThenFail(account)).hasMessageContaining("rolled back on purpose");
        ledger.post(account, 1);

        // entry 1 of the account is the committed one: had the rolled-back event (also numbered 1) been
        // delivered, it would have come first, in the key's order
        Await.until(DELIVERY, account + ":1 applied", () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":1");
        assertThat(of(ledger.entries(), account)).containsExactly(account + ":1");
    }

    @TopologyTest
    void concurrentPublishersEventsAreAppliedOnceEachInOrderPerKey(Ledger ledger, Audit audit) throws Exception {
        String prefix = unique("order");
        int publishers = 8;
        int postsEach = 20;
        List<String> accounts = List.of(prefix + "-a", prefix + "-b", prefix + "-c");

        try (ExecutorService pool = Executors.newFixedThreadPool(publishers)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < postsEach; i++) {
                        ledger.post(accounts.get((publisher + i) % accounts.size()), i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        int total = publishers * postsEach;
        Await.until(DELIVERY, total + " events applied", () -> of(audit.seen(), prefix).size() >= total,
                () -> of(audit.seen(), prefix).size());
        List<String> seen = of(audit.seen(), prefix);
        assertThat(seen).hasSize(total).doesNotHaveDuplicates();
        for (String account : accounts) {
            List<String> inOrder = new ArrayList<>();
            for (int n = 1; n <= of(ledger.entries(), account).size(); n++) {
                inOrder.add(account + ":" + n);
            }
            assertThat(of(seen, account + ":")).as("applied order of " + account).containsExactlyElementsOf(inOrder);
        }
    }

    @TopologyTest
    void aPoisonEventBecomesADeadLetterWithoutHoldingBackItsKeyAndReplays(Ledger ledger, Audit audit, App app,
            TestTopology topology) throws Exception {
        String account = unique("poison");

        ledger.post(account, -1);
        ledger.post(account, 5);

        Await.until(DELIVERY, account + ":2 applied past the poison event",
                () -> of(audit.seen(), account).contains(account + ":2"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":2");
        List<String> dead = ledger.deadLetters().stream().filter(d -> d.contains(account)).toList();
        assertThat(dead).singleElement().asString()
                .startsWith("Audit.posted " + account + ": ")
                .contains("amount -1 is not accepted (entry " + account + ":1)");

        // cleave status shows it under CALLS, as the relay's calls to Audit (App.calls() in one process)
        Await.until(DELIVERY, "the dead letter in the status", () -> status(app, topology).contains(
                "events from Ledger: 0 waiting, 1 dead letter (Events.replayDeadLetters() delivers them again)"),
                () -> status(app, topology));

        audit.acceptNegative();
        assertThat(ledger.replayDeadLetters()).isGreaterThanOrEqualTo(1);

        Await.until(DELIVERY, account + ":1 applied after the replay",
                () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":2", account + ":1");
        assertThat(ledger.deadLetters()).noneMatch(d -> d.contains(account));
    }

    /** How calls stand: the supervisor's status report in multi (its state directory under target/, as
     *     {@code MultiTestTopology} sets it; as {@code cleave status --json}), else {@link App#calls()}. */
    private static String status(App app, TestTopology topology) {
        return status(app, topology, "events-test");
    }

    /** {@link #status(App, TestTopology)} of an application by its name. */
    static String status(App app, TestTopology topology, String application) {
        if (!topology.name().equals("multi")) {
            return app.calls().toString();
        }
        try {
            String state = Files.readString(MultiTestTopology.stateDirectory(app).resolve(application).resolve("supervisor.json"));
            int port = Integer.parseInt(field(state, "statusPort"));
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("STATUS " + field(state, "secret") + "\n").getBytes(StandardCharsets.UTF_8));
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A top-level string or number field of a small JSON object. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"?([^\",}]*)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The entries of one account (or of accounts starting with a prefix). */
    static List<String> of(List<String> entries, String prefix) {
        return entries.stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
