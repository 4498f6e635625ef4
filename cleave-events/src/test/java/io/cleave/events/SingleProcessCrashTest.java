package io.cleave.events;

import static io.cleave.events.EventsTest.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.spi.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a {@code single} application — publisher and subscriber in one process —
 * while it publishes and handles events: started again on the same data, it delivers what was
 * committed and not yet applied, and nothing is applied twice.
 */
class SingleProcessCrashTest {

    @TempDir
    Path data;

    static String config(Path data) {
        return """
                [app]
                name = "events-crash"
                data-dir = "%s"
                """.formatted(data);
    }

    @Test
    void killingTheWholeProcessWhileItPublishesAndHandlesLosesNothingAndAppliesNothingTwice() throws Exception {
        String prefix = "kill-single";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), EventsProcess.class.getName(),
                data.toString(), prefix).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int acks = 0;
            for (String line = out.readLine(); line != null && acks < 200; line = out.readLine()) {
                if (line.equals("ack")) {
                    acks++;
                }
            }
            assertThat(acks).as("commits acknowledged before the kill").isEqualTo(200);

            child.destroyForcibly(); // SIGKILL, right after a commit, with more in flight
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        try (App app = Cleave.app().configText(config(data)).start()) {
            Ledger ledger = app.component(Ledger.class);
            Audit audit = app.component(Audit.class);
            List<String> committed = of(ledger.entries(), prefix);

            Await.until(Duration.ofSeconds(60), committed.size() + " committed events applied",
                    () -> of(audit.seen(), prefix).size() >= committed.size(), () -> of(audit.seen(), prefix).size());

            List<String> seen = of(audit.seen(), prefix);
            assertThat(committed).hasSizeGreaterThanOrEqualTo(200);
            assertThat(seen).as("applied exactly the committed events, each once").hasSameSizeAs(committed)
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(committed);
            for (int p = 0; p < 4; p++) {
                String account = prefix + "-" + p + ":";
                List<String> inOrder = of(committed, account).stream()
                        .sorted(Comparator.comparingLong(e -> Long.parseLong(e.substring(account.length())))).toList();
                assertThat(of(seen, account)).as("applied order of " + account).containsExactlyElementsOf(inOrder);
            }
        }
    }
}
