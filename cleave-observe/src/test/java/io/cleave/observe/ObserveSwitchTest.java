package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.StartupException;
import io.cleave.observe.app.Back;
import io.cleave.observe.app.BackImpl;
import io.cleave.observe.app.Front;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.lang.management.ManagementFactory;
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
    void onALocalCallerGetsAnObservedReferenceThatCountsEveryCallAndAllocatesNothing() throws Exception {
        try (App app = start("[observe]\ntrace-sample-ratio = 0\n")) {
            Back back = app.component(Back.class);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            assertThat(back.toString()).startsWith("Back observed by metered(Back)");

            int total = 0;
            for (int i = 0; i < 20_000; i++) { // warm, so that what is measured is the steady state
                total += back.length("warm");
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                total += back.length("x");
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThatThrownBy(() -> back.refuse("no")).isInstanceOf(io.cleave.observe.app.RefusedException.class);

            assertThat(back.toString()).startsWith("Back observed by metered(Back)");
            assertThat(total).isEqualTo(90_000);
            assertThat(allocated).as("bytes allocated by 10,000 unsampled calls").isLessThan(10_000);
            Scrape scrape = Scrape.of(List.of(app.endpoints().get("metrics")));
            assertThat(scrape.sum("cleave_calls_seconds_count", "component", "Back", "method", "length", "outcome", "ok"))
                    .isEqualTo(30_000);
            assertThat(scrape.sum("cleave_calls_seconds_count", "component", "Back", "method", "refuse", "outcome", "declared"))
                    .isEqualTo(1);
            assertThat(scrape.sum("cleave_calls_in_flight")).isZero();
            assertThat(app.endpoints()).containsOnlyKeys("metrics", "traces", "dashboard");
        }
    }

    @Test
    void aSampledLocalCallGoesThroughTheInvokerAndGetsItsSpan() throws Exception {
        try (App app = start("[observe]\ntrace-sample-ratio = 1\n")) {
            Back back = app.component(Back.class);

            assertThat(back.echo("traced")).isEqualTo("traced");

            assertThat(Traces.of(List.of(app.endpoints().get("traces")))).singleElement()
                    .satisfies(span -> assertThat(span.name()).isEqualTo("Back.echo"))
                    .satisfies(span -> assertThat(span.attributes()).containsEntry("cleave.outcome", "ok"));
            Scrape scrape = Scrape.of(List.of(app.endpoints().get("metrics")));
            assertThat(scrape.sum("cleave_calls_seconds_count", "component", "Back", "method", "echo", "outcome", "ok"))
                    .as("counted once, by the invoker").isEqualTo(1);
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
    void aStartRefusedForAnotherSectionsMistakeLeavesNoAdminEndpointListening() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        assertThatThrownBy(() -> start("[observe]\nadmin-port = " + port + "\n[Back]\nsize = 3\n"))
                .isInstanceOf(StartupException.class).hasMessageContaining("[Back]");

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the refused start's admin endpoint was closed").isEqualTo(port);
        }
    }

    @Test
    void aMistakeInObserveIsNamedWithTheOtherSectionsMistakes() {
        assertThatThrownBy(() -> start("[observe]\nadmin-port = 70000\n[Back]\nsize = 3\n"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[observe] admin-port = 70000")
                .hasMessageContaining("[Back]");
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
    void aSampleRatioOfZeroTracesNothing() throws Exception {
        try (App app = start("[observe]\ntrace-sample-ratio = 0\n")) {
            app.component(Front.class).run(2, 0, 0);

            assertThat(Traces.of(List.of(app.endpoints().get("traces")))).isEmpty();
        }
    }

    @Test
    void spansGoToAConfiguredOtlpCollector() throws Exception {
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        List<String> types = new CopyOnWriteArrayList<>();
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                types.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                bodies.add(exchange.getRequestBody().readAllBytes());
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        try {
            try (App app = start("[observe]\ntrace-sample-ratio = 1\notlp-endpoint = \"http://127.0.0.1:"
                    + collector.getAddress().getPort() + "/v1/traces\"\n")) {
                app.component(Front.class).run(1, 0, 0);
            } // closing flushes what is batched

            assertThat(types).isNotEmpty().allMatch("application/x-protobuf"::equals);
            String sent = bodies.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).reduce("", String::concat);
            assertThat(sent).contains("Front.run", "Back.echo", "cleave.component", "switched");
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void badTracingSettingsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> start("[observe]\ntrace-sample-ratio = 1.5\n")).isInstanceOf(StartupException.class)
                .hasMessageContaining("[observe] trace-sample-ratio = 1.5: a share of calls, 0 to 1");
        assertThatThrownBy(() -> start("[observe]\notlp-endpoint = \"collector:4318\"\n")).isInstanceOf(StartupException.class)
                .hasMessageContaining("[observe] otlp-endpoint = \"collector:4318\"")
                .hasMessageContaining("an OTLP/HTTP traces URL");
        assertThatThrownBy(() -> start("[observe]\nrecent-spans = 0\n")).isInstanceOf(StartupException.class)
                .hasMessageContaining("[observe] recent-spans = 0: 1 to 1000000 spans");
    }

    @Test
    void logLinesWrittenInATracedCallCarryItsTraceAndSpan() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamHandler handler = new StreamHandler(out, new SimpleFormatter());
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        try (App app = start("[observe]\ntrace-sample-ratio = 1\n")) {
            app.component(Back.class).echo("traced-line");
            handler.flush();

            Traces.Span echo = Traces.of(List.of(app.endpoints().get("traces"))).stream()
                    .filter(s -> s.name().equals("Back.echo")).findFirst().orElseThrow();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("echo traced-line [trace=" + echo.traceId() + " span=" + echo.spanId() + "]");
        } finally {
            root.removeHandler(handler);
        }
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
