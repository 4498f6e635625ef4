package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.spi.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The supervisor as its own process, started like an application's main with --deployer=multi. */
class SupervisorProcessTest {

    @Test
    void childrenExitWhenTheSupervisorIsKilled() throws Exception {
        Path state = TestApps.stateDirectory(SupervisorProcessTest.class).resolve("killed");
        Process supervisorProcess = supervisor("killed", state, 2);
        SupervisorHandle handle = awaitRunning(state, "killed");
        List<Long> children = handle.status().groups().stream().flatMap(g -> g.replicas().stream())
                .map(r -> r.pid().orElseThrow()).toList();
        assertThat(children).hasSize(2).allMatch(SupervisorProcessTest::alive);

        supervisorProcess.toHandle().destroyForcibly(); // kill -9: no shutdown hook runs
        supervisorProcess.waitFor();

        Await.until(Duration.ofSeconds(20), "children " + children + " exit after their supervisor died",
                () -> children.stream().noneMatch(SupervisorProcessTest::alive));
        assertThatThrownBy(handle::status).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(pid " + supervisorProcess.pid() + ") is not running")
                .hasMessageContaining("is stale");
    }

    @Test
    void sigtermDrainsAndStopsEveryChild() throws Exception {
        Path state = TestApps.stateDirectory(SupervisorProcessTest.class).resolve("terminated");
        Process supervisorProcess = supervisor("terminated", state, 1);
        SupervisorHandle handle = awaitRunning(state, "terminated");
        long child = handle.status().replica("Counter+Greeter+Bomb", 0).orElseThrow().pid().orElseThrow();

        supervisorProcess.toHandle().destroy(); // SIGTERM, as Ctrl-C or a container stop
        supervisorProcess.waitFor();

        assertThat(alive(child)).isFalse(); // the supervisor waited for it before exiting
        assertThat(state.resolve("terminated").resolve("supervisor.json")).doesNotExist();
        List<String> log = Files.readAllLines(handle.log());
        assertThat(log).anyMatch(l -> l.contains(" Counter+Greeter+Bomb/0 ") && l.contains("asked this process to stop"))
                .anyMatch(l -> l.endsWith(" supervisor Counter+Greeter+Bomb/0 stopped (exit 0)"));
        assertThat(log.get(log.size() - 1)).endsWith(" supervisor stopped terminated");
    }

    private static Process supervisor(String name, Path state, int replicas) throws IOException {
        Files.createDirectories(state);
        Path config = state.resolve("cleave.toml");
        Files.writeString(config, """
                [app]
                name = "%s"

                [multi]
                state-dir = "%s"
                echo-logs = false
                groups = [["Counter", "Greeter", "Bomb"]]

                [multi.replicas]
                Counter = %d
                """.formatted(name, state.toString().replace("\\", "\\\\"), replicas));
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RunMulti.class.getName(), "--config=" + config, "--deployer=multi")
                .redirectErrorStream(true).redirectOutput(state.resolve("supervisor.out").toFile()).start();
    }

    private static SupervisorHandle awaitRunning(Path state, String name) {
        SupervisorHandle[] found = new SupervisorHandle[1];
        Await.until(Duration.ofSeconds(60), "supervisor of " + name + " running", () -> {
            try {
                found[0] = SupervisorHandle.find(state, Optional.of(name));
                return found[0].status().state().equals("running");
            } catch (IllegalStateException e) {
                return false; // not yet started
            }
        });
        return found[0];
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
