package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cleave load} as a user meets it: exit codes, one-line errors, files written. */
class LoadCommandTest {

    private static HttpServer server;
    /** The request target of every request the server got, as it was on the request line. */
    private static final List<String> requestTargets = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", e -> {
            requestTargets.add(e.getRequestURI().toString());
            byte[] body = "{\"ok\":true}".getBytes();
            e.sendResponseHeaders(e.getRequestURI().getPath().startsWith("/missing") ? 404 : 200, body.length);
            try (OutputStream stream = e.getResponseBody()) {
                stream.write(body);
            }
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void forgetRequests() {
        requestTargets.clear();
    }

    private int cleave(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String url() {
        return url("/");
    }

    private String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    @Test
    void runPrintsProgressAndSummaryAndWritesBothReports() throws IOException {
        Path html = dir.resolve("report.html");
        Path json = dir.resolve("report.json");

        int code = cleave("load", url(), "--rate", "100", "--duration", "1500ms", "-c", "2",
                "--html", html.toString(), "--json", json.toString());

        assertThat(code).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("[   1s]").contains("requests   150 scheduled, 150 sent, 150 responses, 0 errors")
                .contains("from intended start");
        assertThat(Files.readString(json)).contains("\"responses\" : 150");
        assertThat(Files.readString(html)).contains("echarts.init");
    }

    @Test
    void aWarmUpIsAnnouncedAndSoIsTheStartOfTheMeasuredRun() {
        int code = cleave("load", url(), "--rate", "100", "--duration", "1s", "--warmup", "500ms", "-c", "2", "--no-report");

        assertThat(code).isZero();
        String printed = out.toString();
        assertThat(printed).contains("warming up for 0.5 s (not measured) ...");
        assertThat(printed.indexOf("measuring ...")).as("after the warm-up line, before the first second's")
                .isGreaterThan(printed.indexOf("warming up")).isLessThan(printed.indexOf("[   1s]"));
        assertThat(printed).contains("requests   100 scheduled, 100 sent, 100 responses, 0 errors");
    }

    @Test
    void requestsGoToExactlyTheUrlsPathAndQuery() {
        int code = cleave("load", url("/api/categories?limit=2"), "--rate", "100", "--max-requests", "10", "-c", "2",
                "--no-report");

        assertThat(code).isZero();
        assertThat(requestTargets).hasSize(10).containsOnly("/api/categories?limit=2");
        assertThat(out.toString()).contains("10 responses, 0 errors");
    }

    @Test
    void aMethodHeaderOrBodyStillSendsTheUrlsPathOnce() {
        int code = cleave("load", url("/api/categories?limit=2"), "-X", "POST", "-H", "Accept: application/json",
                "--body", "{}", "--rate", "100", "--max-requests", "10", "-c", "2", "--no-report");

        assertThat(code).isZero();
        assertThat(requestTargets).hasSize(10).containsOnly("/api/categories?limit=2");
    }

    @Test
    void aScenariosPathsGoBelowTheUrlsPath() throws IOException {
        Path scenario = dir.resolve("browse.toml");
        Files.writeString(scenario, """
                [[flow]]
                name = "browse"
                  [[flow.step]]
                  path = "/categories?limit=2"
                """);

        int code = cleave("load", url("/api"), "--scenario", scenario.toString(), "--rate", "100", "--max-requests", "10",
                "-c", "2", "--no-report");

        assertThat(code).isZero();
        assertThat(requestTargets).hasSize(10).containsOnly("/api/categories?limit=2");
    }

    @Test
    void aRunOfMostlyErrorsEndsInAWarning() {
        int code = cleave("load", url("/missing"), "--rate", "100", "--max-requests", "10", "-c", "2", "--no-report");

        assertThat(code).as("the target's errors are in the report, not in the exit code").isZero();
        assertThat(out.toString()).contains("WARNING    MOST REQUESTS FAILED: 10 of 10 (100%), most often status 404 (10).");
    }

    @Test
    void refusedConnectionIsOneLineAndExitCodeOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        int code = cleave("load", "http://127.0.0.1:" + port + "/", "--rate", "10", "--no-report");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("cleave load: cannot connect to 127.0.0.1:" + port + ": connection refused"
                + System.lineSeparator());
    }

    @Test
    void invalidScenarioIsOneLineWithFileAndLine() throws IOException {
        Path scenario = dir.resolve("bad.toml");
        Files.writeString(scenario, """
                [[flow]]
                name = "a"
                  [[flow.step]]
                  path = "home"
                """);

        int code = cleave("load", url(), "--rate", "10", "--scenario", scenario.toString(), "--no-report");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("cleave load: " + scenario + ":4: flow \"a\", step 1: field \"path\" must start"
                + " with \"/\", not \"home\" (the host comes from the command line)" + System.lineSeparator());
    }

    @Test
    void remoteTargetIsRefusedWithoutTheFlag() {
        int code = cleave("load", "http://192.0.2.1:8080/", "--rate", "10", "--no-report");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("192.0.2.1 is not a loopback address").doesNotContain("Exception");
    }

    @Test
    void optionOfAnotherProfileIsAUsageError() {
        int code = cleave("load", url(), "--profile", "spike", "--rate", "10", "--duration", "10s");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("--duration does not apply to --profile spike");
    }

    @Test
    void rampNeedsItsEndRate() {
        int code = cleave("load", url(), "--profile", "ramp", "--rate", "10");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("--profile ramp needs --to-rate");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(DurationConverter.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationConverter.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationConverter.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> DurationConverter.parse("20 seconds"))
                .hasMessage("'20 seconds' is not a duration; write it like 500ms, 20s, 5m, 1h or 1m30s");
    }
}
