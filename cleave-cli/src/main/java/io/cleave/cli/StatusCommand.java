package io.cleave.cli;

import io.cleave.deploy.StatusReport;
import io.cleave.deploy.SupervisorHandle;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP",
            description = "The application's name; needed only when several run from this directory.")
    private String application;

    @Option(names = "--state-dir", defaultValue = ".cleave", paramLabel = "DIR",
            description = "The [multi] state-dir the application uses (default: ${DEFAULT-VALUE}).")
    private Path stateDirectory;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() {
        StatusReport report;
        try {
            report = SupervisorHandle.find(stateDirectory, Optional.ofNullable(application)).status();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("cleave status: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(json ? report.json() + "\n" : report.format());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
