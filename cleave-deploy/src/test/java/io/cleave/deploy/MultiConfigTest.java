package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.Cleave;
import io.cleave.StartupException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Bad [multi] settings fail the start with a precise message, before any process is launched. */
class MultiConfigTest {

    @Test
    void groupMembersWithDifferentReplicaCountsAreRefused() {
        String config = TestApps.config("bad-replicas", MultiConfigTest.class, """
                groups = [["Greeter", "Bomb"]]

                [multi.replicas]
                Greeter = 2
                Bomb = 3
                """);

        assertThatThrownBy(() -> Cleave.app().configText(config).start()).isInstanceOf(StartupException.class)
                .hasMessageContaining("[multi.replicas] ")
                .hasMessageContaining("Greeter = 2").hasMessageContaining("Bomb = 3")
                .hasMessageContaining("whose components run in the same processes; give them one count");
        assertThatNoSupervisorStarted("bad-replicas");
    }

    @Test
    void unknownMultiKeyIsRefusedWithASuggestion() {
        String config = TestApps.config("bad-key", MultiConfigTest.class, "restart-backof = \"1s\"\n");

        assertThatThrownBy(() -> Cleave.app().configText(config).start()).isInstanceOf(StartupException.class)
                .hasMessageContaining("[multi] key \"restart-backof\" is unknown (did you mean \"restart-backoff\"?)");
        assertThatNoSupervisorStarted("bad-key");
    }

    @Test
    void malformedMaxHeapIsRefused() {
        String config = TestApps.config("bad-heap", MultiConfigTest.class, "max-heap = \"lots\"\n");

        assertThatThrownBy(() -> Cleave.app().configText(config).start()).isInstanceOf(StartupException.class)
                .hasMessage("[multi] max-heap must be a size such as \"256m\" or \"1g\", got \"lots\"");
    }

    private static void assertThatNoSupervisorStarted(String app) {
        org.assertj.core.api.Assertions.assertThat(Files.exists(TestApps.stateDirectory(MultiConfigTest.class)
                .resolve(app).resolve("supervisor.json"))).isFalse();
    }
}
