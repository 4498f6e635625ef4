package io.cleave.cli;

import io.cleave.deploy.StatusReport;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleave status}: what a running multi supervisor reports. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the groups, replicas, pids, addresses, health and uptime of an application running under the multi"
                    + " deployer, as its supervisor reports them. Run it from the directory the application was started in.",
            "",
            "Examples:",
            "  cleave status",
            "  cleave status hello --json",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the supervisor answered", "1:no supervisor found or it did not answer (one line says why)",
            "2:invalid command line"})
final class StatusCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private RunningApplication running;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        StatusReport report;
        try {
            report = running.supervisor().status();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("cleave status: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(json ? report.json() + "\n" : report.format());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
