package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.deploy.app.Greeter;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Plaintext only when asked for, and then every process says so, loudly, as it starts. */
class PlaintextMultiTest {

    @Test
    void everyProcessWarnsThatItsCallsArePlaintext() throws Exception {
        try (App app = Cleave.app().configText(TestApps.config("plaintext-test", PlaintextMultiTest.class, """
                [transport]
                mtls = false

                [Greeter]
                greeting = "Hello"
                """)).start()) {
            SupervisorHandle supervisor = SupervisorHandle.find(TestApps.stateDirectory(PlaintextMultiTest.class),
                    Optional.of("plaintext-test"));

            assertThat(app.component(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada! (visit 1)");

            String log = Files.readString(supervisor.log());
            for (String process : new String[] {" supervisor WARNING ", " Counter/0 ", " Greeter/0 ", " Bomb/0 "}) {
                assertThat(log.lines().filter(l -> l.contains(process) && l.contains("WARNING")
                        && l.contains("[transport] mtls = false (") // the config text, or the children's copy of it
                        && l.contains(":11): calls between this application's processes are PLAINTEXT")))
                        .as("the warning of %s", process).hasSize(1);
            }
        }
    }
}
