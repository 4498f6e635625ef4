package io.cleave.cli;

import io.cleave.deploy.StatusReport;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleave prometheus-config}: a Prometheus scrape configuration for a running application's processes. */
@Command(
        name = "prometheus-config",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a Prometheus scrape configuration (scrape_configs, YAML) for every process of an application running"
                    + " under the multi deployer that serves metrics (cleave-observe): the supervisor's and each replica's"
                    + " admin endpoint, labelled cleave_group and cleave_replica. Ports change when a process restarts:"
                    + " run it again then. Run it from the directory the application was started in.",
            "",
            "Examples:",
            "  cleave prometheus-config > scrape.yml",
            "  cleave prometheus-config shop --interval 5s",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the configuration was printed", "1:no supervisor found or it did not answer (one line says why)",
            "2:invalid command line"})
final class PrometheusConfigCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private RunningApplication running;

    @Option(names = "--interval", defaultValue = "15s", description = "The scrape interval (Prometheus syntax). Default: ${DEFAULT-VALUE}.")
    private String interval;

    @Override
    public Integer call() {
        if (!interval.matches("[0-9]+(ms|s|m|h)")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval " + interval
                    + ": a Prometheus duration such as 5s, 500ms or 1m");
        }
        StatusReport report;
        try {
            report = running.supervisor().status();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("cleave prometheus-config: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(report.prometheusConfig(interval));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
