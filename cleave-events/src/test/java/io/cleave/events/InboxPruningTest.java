package io.cleave.events;

import static io.cleave.events.EventsTest.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.spi.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [events] inbox-retention}: ids applied longer ago are deleted from {@code cleave_inbox}
 * (more than one batch of them), an id younger than the retention is kept.
 */
class InboxPruningTest {

    @TempDir
    Path data;

    @Test
    void idsOlderThanTheRetentionArePrunedInBatchesAndYoungerOnesKept() throws Exception {
        int events = StoreInbox.PRUNE_BATCH + 200;
        try (App app = Cleave.app().configText("""
                [app]
                name = "inbox-pruning"
                data-dir = "%s"
                [events]
                inbox-retention = "4s"
                """.formatted(data)).start()) {
            Ledger ledger = app.component(Ledger.class);
            Audit audit = app.component(Audit.class);
            for (int i = 0; i < events; i++) {
                ledger.post("prune-" + (i % 20), i);
            }
            Await.until(Duration.ofSeconds(60), events + " events applied", () -> of(audit.seen(), "prune-").size() >= events,
                    () -> of(audit.seen(), "prune-").size());

            Await.until(Duration.ofSeconds(30), "the inbox pruned", () -> audit.inboxSize() == 0, audit::inboxSize);
            ledger.post("prune-fresh", 1);
            Await.until(Duration.ofSeconds(10), "the fresh event applied",
                    () -> of(audit.seen(), "prune-fresh:").size() == 1, audit::seen);

            assertThat(audit.inboxSize()).as("the id applied just now, younger than the retention").isEqualTo(1);
            assertThat(of(audit.seen(), "prune-")).hasSize(events + 1);
        }
    }
}
