package io.cleave.events;

import static io.cleave.events.EventsTest.of;
import static io.cleave.events.EventsTest.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.ComponentUnavailableException;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@code kill -9} of the publisher right after a commit, and of the subscriber while it handles
 * events, under a stream of publishes: every committed event is applied exactly once (the
 * subscriber's table has no unique key, so a duplicate would show), in order per key. Split into
 * processes, where a kill takes one component down and the supervisor replaces it.
 */
@CleaveTest(config = "events.toml", topologies = "multi")
class EventsCrashTest {

    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @TopologyTest
    void killingThePublisherRightAfterACommitLosesNothingAndAppliesNothingTwice(Ledger ledger, Audit audit) throws Exception {
        String prefix = unique("kill-publisher");

        streamWhileKilling(ledger, audit, prefix, () -> {
            long pid = ledger.pid();
            ledger.post(prefix + "-0", 1_000); // committed, maybe not yet relayed
            kill(pid);
            return pid;
        }, ledger::pid);

        assertEveryCommittedEventAppliedOnceInOrder(ledger, audit, prefix);
    }

    @TopologyTest
    void killingTheSubscriberWhileItHandlesLosesNothingAndAppliesNothingTwice(Ledger ledger, Audit audit) throws Exception {
        String prefix = unique("kill-subscriber");

        streamWhileKilling(ledger, audit, prefix, () -> {
            long pid = audit.pid();
            kill(pid);
            return pid;
        }, audit::pid);

        assertEveryCommittedEventAppliedOnceInOrder(ledger, audit, prefix);
    }

    /**
     * Posts 100 entries from each of four threads; after 40 kills a process, waits for its
     * replacement (a new pid answering), and lets the threads finish their 100.
     */
    private static void streamWhileKilling(Ledger ledger, Audit audit, String prefix, KillAction kill, LongSupplier pidNow)
            throws Exception {
        AtomicInteger posted = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> publishers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                String account = prefix + "-" + p;
                publishers.add(pool.submit(() -> {
                    int mine = 0;
                    for (int attempt = 0; attempt < 10_000 && mine < 100; attempt++) {
                        try {
                            ledger.post(account, attempt);
                            mine++;
                            posted.incrementAndGet();
                        } catch (RuntimeException e) {
                            Thread.sleep(20); // the ledger is down or being replaced: its entries say what committed
                        }
                    }
                    return null;
                }));
            }
            Await.until(RECOVERY, "40 posts before the kill", () -> posted.get() >= 40, posted::get);

            long killed = kill.run();

            Await.until(RECOVERY, "a replacement of pid " + killed + " answering", () -> {
                try {
                    return pidNow.getAsLong() != killed;
                } catch (RuntimeException e) {
                    return false;
                }
            }, () -> "still " + killed);
            for (Future<?> f : publishers) {
                f.get();
            }
        }
        assertThat(posted.get()).as("posts acknowledged").isEqualTo(400);
    }

    private static void assertEveryCommittedEventAppliedOnceInOrder(Ledger ledger, Audit audit, String prefix)
            throws InterruptedException {
        List<String> committed = of(ledger.entries(), prefix);
        // Audit's answers, asked again while it cannot answer: after a kill, this caller's breaker for Audit may be
        // open for a few seconds after the replacement answers (failed calls during the restart opened it)
        List<String> seen = Await.value(RECOVERY, committed.size() + " committed events applied", () -> {
            try {
                return of(audit.seen(), prefix);
            } catch (ComponentUnavailableException e) {
                return null;
            }
        }, applied -> applied != null && applied.size() >= committed.size());
        assertThat(seen).as("applied exactly the committed events, each once").hasSameSizeAs(committed)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(committed);
        for (int p = 0; p < 4; p++) {
            String account = prefix + "-" + p + ":";
            List<String> inOrder = of(committed, account).stream()
                    .sorted(java.util.Comparator.comparingLong(e -> Long.parseLong(e.substring(account.length())))).toList();
            assertThat(of(seen, account)).as("applied order of " + account).containsExactlyElementsOf(inOrder);
        }
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid)).destroyForcibly(); // SIGKILL
    }

    @FunctionalInterface
    private interface KillAction {
        long run() throws Exception;
    }
}
