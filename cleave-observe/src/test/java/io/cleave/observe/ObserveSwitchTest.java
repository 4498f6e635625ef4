package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.StartupException;
import io.cleave.observe.app.Back;
import io.cleave.observe.app.BackImpl;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code [observe]} itself: the off switch, a fixed port, and what it refuses. */
class ObserveSwitchTest {

    private static App start(String observe) {
        return Cleave.app().configText("""
                [app]
                name = "switched"
                """ + observe).deployer("single").start();
    }

    @Test
    void offGivesALocalCallerTheInstanceItselfAndServesNothing() {
        try (App app = start("""
                [observe]
                enabled = false
                """)) {

            assertThat(app.component(Back.class)).isInstanceOf(BackImpl.class);
            assertThat(app.endpoints()).isEmpty();
        }
    }

    @Test
    void onALocalCallerGetsAMeteredStub() {
        try (App app = start("")) {

            assertThat(app.component(Back.class)).isNotInstanceOf(BackImpl.class);
            assertThat(app.endpoints()).containsOnlyKeys("metrics");
        }
    }

    @Test
    void servesOnTheConfiguredPort() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (App app = start("[observe]\nadmin-port = " + port + "\n")) {

            assertThat(app.endpoints()).containsEntry("metrics", "http://127.0.0.1:" + port + "/metrics");
            assertThat(Scrape.of(List.of(app.endpoints().get("metrics"))).has("cleave_calls_seconds_count")).isTrue();
        }
    }

    @Test
    void aTakenPortFailsTheStartNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {

            assertThatThrownBy(() -> start("[observe]\nadmin-port = " + taken.getLocalPort() + "\n"))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("[observe] admin-port = " + taken.getLocalPort()
                            + ": the admin endpoint cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void anUnknownKeyIsRefusedWithItsLine() {
        assertThatThrownBy(() -> start("""
                [observe]
                enable = false
                """))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("<config text>:4: [observe] key \"enable\" is unknown (did you mean \"enabled\"?)");
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertThatThrownBy(() -> start("""
                [observe]
                admin-port = 70000
                """))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[observe] admin-port = 70000: a port is 0 (any free one) to 65535");
    }
}
