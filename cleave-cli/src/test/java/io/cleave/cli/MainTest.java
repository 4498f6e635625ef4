package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code cleave} command itself: which commands exist, and what a word that is none gets. */
class MainTest {

    private static final String NO_UPGRADE = "cleave: there is no command \"upgrade\"; the commands are load, run, status, logs,"
            + " compat, deploy, dev-cert, prometheus-config, replay-dead-letters, dashboard, help (cleave help COMMAND describes one)" + System.lineSeparator();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int cleave(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void topLevelHelpListsTheCommands() {
        int code = cleave("--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: cleave").contains("load", "run", "status", "logs", "compat");
    }

    @Test
    void anUnknownCommandIsAUsageErrorNamingTheCommandsThatExist() {
        int code = cleave("upgrade");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(NO_UPGRADE);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void helpOfAnUnknownCommandIsTheSameError() {
        int code = cleave("upgrade", "--help");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(NO_UPGRADE);
        assertThat(out.toString()).as("no help, as if upgrade existed").isEmpty();
    }

    @Test
    void prometheusConfigRefusesAnIntervalPrometheusWouldNot() {
        int code = cleave("prometheus-config", "--interval", "5 seconds");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--interval 5 seconds: a Prometheus duration such as 5s, 500ms or 1m");
    }

    @Test
    void prometheusConfigWithoutASupervisorSaysSo() {
        int code = cleave("prometheus-config", "--state-dir", "target/no-supervisor-here");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("cleave prometheus-config: no supervisor found");
    }

    @Test
    void helpBeforeAnUnknownCommandIsTheSameError() {
        int code = cleave("--help", "upgrade");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(NO_UPGRADE);
    }

    @Test
    void helpOfAKnownCommandStillWorks() {
        int code = cleave("load", "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("Usage: cleave load");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anUnexpectedWordAfterAKnownCommandsHelpIsAUsageError() {
        int code = cleave("status", "--help", "--verbose");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("Unknown option: '--verbose'");
        assertThat(out.toString()).isEmpty();
    }
}
