package io.cleave.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cleave dashboard}: the address of the live dashboard of a running application's processes. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the address of the live dashboard of an application running under the multi deployer, served by its"
                    + " supervisor on 127.0.0.1 (cleave-observe): groups, replicas, health, restarts, calls between"
                    + " components with their rates, latencies, errors, bytes and breakers, CPU per process, slow and"
                    + " failed traces across processes with their waterfalls and log lines. Open it in a browser on this"
                    + " machine. The address carries the supervisor's secret after '#' (which a browser never sends):"
                    + " whoever has it sees what cleave status shows, so do not share it. Run it from the directory the"
                    + " application was started in.",
            "",
            "Examples:",
            "  cleave dashboard",
            "  xdg-open \"$(cleave dashboard shop)\"",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the address was printed", "1:no supervisor found, it did not answer, or it serves no dashboard"
                + " (one line says why)", "2:invalid command line"})
final class DashboardCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private RunningApplication running;

    @Override
    public Integer call() {
        Optional<String> address;
        try {
            address = running.supervisor().dashboard();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("cleave dashboard: " + e.getMessage());
            return 1;
        }
        if (address.isEmpty()) {
            spec.commandLine().getErr().println("cleave dashboard: the supervisor serves no dashboard: put cleave-observe on"
                    + " the application's class path, and leave [observe] enabled");
            return 1;
        }
        spec.commandLine().getOut().println(address.get());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
