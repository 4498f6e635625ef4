package io.cleave.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleave logs}: the consolidated, time-ordered log of a multi application. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the consolidated log of an application running under the multi deployer: every line of every process,"
                    + " in time order, each as '<UTC time> <group>/<replica> <text>' (the supervisor's own lines are tagged"
                    + " 'supervisor'). Run it from the directory the application was started in.",
            "",
            "Examples:",
            "  cleave logs",
            "  cleave logs -f --group Counter",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed (with -f: the supervisor exited or the command was interrupted)",
            "1:no supervisor state found or the log is unreadable (one line says why)", "2:invalid command line"})
final class LogsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private RunningApplication running;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the supervisor exits (or Ctrl-C).")
    private boolean follow;

    @Option(names = "--group", paramLabel = "GROUP", description = "Only the lines of this group's replicas.")
    private String group;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            running.supervisor().logs(line -> {
                out.println(line);
                if (follow) {
                    out.flush();
                }
            }, follow, Optional.ofNullable(group));
        } catch (IllegalStateException | UncheckedIOException e) {
            spec.commandLine().getErr().println("cleave logs: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }
}
