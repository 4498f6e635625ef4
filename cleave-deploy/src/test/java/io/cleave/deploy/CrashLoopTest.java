package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.ComponentUnavailableException;
import io.cleave.deploy.app.Bomb;
import io.cleave.deploy.app.Greeter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bomb's start() always throws (explode = true): its replica exits at every start. */
class CrashLoopTest {

    private static App app;
    private static SupervisorHandle supervisor;

    @BeforeAll
    static void start() {
        app = Cleave.app().configText(TestApps.config("crash-loop", CrashLoopTest.class, """
                groups = [["Counter", "Greeter"]]
                crash-loop-restarts = 2

                [Bomb]
                explode = true
                """)).start();
        supervisor = SupervisorHandle.find(TestApps.stateDirectory(CrashLoopTest.class), Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void reportsTheCrashLoopAndStopsRestarting() {
        StatusReport status = supervisor.status();
        List<String> log = new ArrayList<>();
        supervisor.logs(log::add, false, Optional.empty());

        assertThat(status.state()).isEqualTo("degraded");
        StatusReport.ReplicaReport bomb = status.replica("Bomb", 0).orElseThrow();
        assertThat(bomb.state()).isEqualTo("crash-loop");
        assertThat(bomb.restarts()).isEqualTo(2);
        assertThat(bomb.pid()).isEmpty();
        assertThat(bomb.lastExit()).hasValue("exit 1: cleave: component Bomb failed to start: boom (Bomb.explode = true)");
        assertThat(status.format()).containsPattern("(?m)^Bomb +0 +- +- +- +- +2 +crash-loop$")
                .contains("Bomb/0 last exit: exit 1: cleave: component Bomb failed to start: boom");
        assertThat(log).filteredOn(l -> l.contains(" supervisor Bomb/0 launched, pid ")).hasSize(3);
        assertThat(log).anyMatch(l -> l.contains(" supervisor ERROR Bomb/0 is crash-looping: 3 exits within 1m0s"
                + " ([multi] crash-loop-restarts = 2); not restarting it. Last: exit 1: cleave: component Bomb failed to start"));
        assertThat(log).filteredOn(l -> l.contains(" Bomb/0 ")).last().asString().contains("crash-looping");
    }

    @Test
    void keepsServingTheOtherGroups() throws Exception {
        assertThat(app.component(Greeter.class).greet("Grace")).isEqualTo("Hello, Grace! (visit 1)");
        assertThat(supervisor.status().replica("Counter+Greeter", 0).orElseThrow().state()).isEqualTo("running");
        assertThatThrownBy(() -> app.component(Bomb.class).tick()).isInstanceOf(ComponentUnavailableException.class)
                .hasMessageContaining("no replicas of Bomb");
    }

    @Test
    void withStrictStartACrashLoopFailsTheStartNamingTheGroupAndItsLastExit() {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> Cleave.app().configText(TestApps.config(
                "strict-start", StrictStart.class, """
                        groups = [["Counter", "Greeter"]]
                        crash-loop-restarts = 1
                        strict-start = true

                        [Bomb]
                        explode = true
                        """)).start());

        assertThat(failure).isInstanceOf(io.cleave.StartupException.class)
                .hasMessageContaining("deployer multi: Bomb/0 (exit 1: cleave: component Bomb failed to start")
                .hasMessageContaining("[multi] strict-start = true fails the start instead of running degraded");
    }

    /** Names the second test's state directory. */
    private static final class StrictStart {
    }
}
