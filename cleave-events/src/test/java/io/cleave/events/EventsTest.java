package io.cleave.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
        Await.until(account + ":1 applied", DELIVERY, () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
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
        Await.until(total + " events applied", DELIVERY, () -> of(audit.seen(), prefix).size() >= total,
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
    void aPoisonEventBecomesADeadLetterWithoutHoldingBackItsKeyAndReplays(Ledger ledger, Audit audit) throws Exception {
        String account = unique("poison");

        ledger.post(account, -1);
        ledger.post(account, 5);

        Await.until(account + ":2 applied past the poison event", DELIVERY,
                () -> of(audit.seen(), account).contains(account + ":2"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":2");
        List<String> dead = ledger.deadLetters().stream().filter(d -> d.contains(account)).toList();
        assertThat(dead).singleElement().asString()
                .startsWith("Audit.posted " + account + ": ")
                .contains("amount -1 is not accepted (entry " + account + ":1)");

        audit.acceptNegative();
        assertThat(ledger.replayDeadLetters()).isGreaterThanOrEqualTo(1);

        Await.until(account + ":1 applied after the replay", DELIVERY,
                () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":2", account + ":1");
        assertThat(ledger.deadLetters()).noneMatch(d -> d.contains(account));
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The entries of one account (or of accounts starting with a prefix). */
    static List<String> of(List<String> entries, String prefix) {
        return entries.stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
