package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cleave run --deployer=multi} in its own process (the supervisor, with one child), and
 * {@code cleave status} and {@code cleave logs} reading it, as a user meets them.
 */
class MultiCommandsTest {

    private static final Path STATE = Path.of("target", "multi-commands").toAbsolutePath();
    private static Process run;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startSupervisor() throws Exception {
        Files.createDirectories(STATE);
        Path config = STATE.resolve("cleave.toml");
        Files.writeString(config, "[app]\nname = \"echo\"\n[multi]\necho-logs = false\nstate-dir = \""
                + STATE.toString().replace("\\", "\\\\") + "\"\n");
        run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString(),
                "--deployer", "multi").redirectErrorStream(true).redirectOutput(STATE.resolve("run.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!running()) {
            if (System.nanoTime() > deadline || !run.isAlive()) {
                throw new AssertionError("cleave run did not come up: " + Files.readString(STATE.resolve("run.out")));
            }
            Thread.sleep(100); // polling another process's state
        }
    }

    @AfterAll
    static void stopSupervisor() throws Exception {
        run.destroy(); // SIGTERM: drains and stops the child
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static boolean running() {
        StringWriter sink = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(sink, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute("status", "--state-dir", STATE.toString()) == 0 && sink.toString().contains("  running  up ");
    }

    private int cleave(String... args) {
        picocli.CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void statusPrintsGroupsReplicasPidsAddressesHealthAndUptime() {
        int code = cleave("status", "echo", "--state-dir", STATE.toString());

        assertThat(code).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).matches("app echo  supervisor pid " + run.pid() + "  running  up [0-9]+(ms|s|m[0-9]+s)");
        assertThat(lines.get(2)).matches("GROUP +REPLICA +PID +ADDRESS +HEALTH +UPTIME +RESTARTS +STATE");
        assertThat(lines.get(3)).matches("Echo +0 +[0-9]+ +127\\.0\\.0\\.1:[0-9]+ +(HEALTHY|UNKNOWN) +[0-9]+(ms|s|m[0-9]+s) +0 +running");
    }

    @Test
    void statusAsJsonCarriesTheSameReport() {
        int code = cleave("status", "--json", "--state-dir", STATE.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("{\"application\":\"echo\",\"supervisorPid\":" + run.pid())
                .contains("\"name\":\"Echo\"", "\"state\":\"running\"", "\"address\":\"127.0.0.1:");
    }

    @Test
    void logsPrintTheConsolidatedStreamTaggedByGroupAndReplica() throws InterruptedException {
        // the child's lines reach the log through its output pipe, which may trail its READY: ask again, within 10 s
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        int code = cleave("logs", "--state-dir", STATE.toString(), "--group", "Echo");
        while (code == 0 && !out.toString().contains(") serves [Echo] on ") && System.nanoTime() < until) {
            Thread.sleep(50);
            out.getBuffer().setLength(0);
            code = cleave("logs", "--state-dir", STATE.toString(), "--group", "Echo");
        }

        assertThat(code).isZero();
        assertThat(out.toString().lines()).isNotEmpty().allMatch(l -> l.split(" ", 3)[1].equals("Echo/0"))
                .anyMatch(l -> l.contains("Echo/0 (pid ") && l.contains(") serves [Echo] on 127.0.0.1:"));
    }

    @Test
    void dashboardOfAnApplicationWithoutCleaveObserveSaysWhatIsMissing() {
        int code = cleave("dashboard", "--state-dir", STATE.toString());

        assertThat(code).as("this class path has no cleave-observe: the supervisor serves no dashboard").isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("cleave dashboard: the supervisor serves no dashboard: put cleave-observe on");
    }

    @Test
    void statusWithoutASupervisorSaysWhereItLooked() {
        int code = cleave("status", "--state-dir", STATE.resolve("nothing-here").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("cleave status: no supervisor found: no ")
                .contains("nothing-here/*/supervisor.json");
    }
}
