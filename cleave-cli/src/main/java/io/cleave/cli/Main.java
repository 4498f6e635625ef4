package io.cleave.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cleave} command. Each subcommand is its own class, listed here; add one by writing
 * a {@code @Command} class and naming it in {@code subcommands}.
 */
@Command(
        name = "cleave",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Cleave: write the backend once, run it as one process or as services.",
        subcommands = {LoadCommand.class, RunCommand.class, StatusCommand.class, LogsCommand.class, CompatCommand.class,
            DeployCommand.class, DevCertCommand.class,
            PrometheusConfigCommand.class, ReplayDeadLettersCommand.class, DashboardCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its code: 0 on success, 1 when the work failed (the
     * reason is printed as one line), 2 for a usage error.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, for tests and embedding.
     *
     * @return a new command line whose {@code execute} returns the exit code
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // picocli lets a help option win over words it did not recognise, so "cleave deploy --help"
        // printed the top-level help and exited 0, as if deploy existed
        commandLine.setExecutionStrategy(parseResult -> {
            for (CommandLine.ParseResult level : parseResult.asCommandLineList().stream()
                    .map(CommandLine::getParseResult).toList()) {
                if (!level.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        CommandLine.IParameterExceptionHandler usageErrors = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((e, args) -> {
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && e.getCommandLine() == commandLine
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                commandLine.getErr().println(unknownCommand(commandLine, unmatched.getUnmatched().get(0)));
                return commandLine.getCommandSpec().exitCodeOnInvalidInput();
            }
            return usageErrors.handleParseException(e, args);
        });
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            // an unexpected failure: one line by default, the stack trace on request
            cl.getErr().println(cl.getCommandName() + ": internal error: " + e);
            if (System.getenv("CLEAVE_DEBUG") != null) {
                e.printStackTrace(cl.getErr());
            } else {
                cl.getErr().println("(set CLEAVE_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return commandLine;
    }

    private static String unknownCommand(CommandLine commandLine, String word) {
        return "cleave: there is no command \"" + word + "\"; the commands are "
                + String.join(", ", commandLine.getSubcommands().keySet()) + " (cleave help COMMAND describes one)";
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand, such as: cleave load --help");
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cleave " + (version == null ? "(development build)" : version)};
        }
    }
}
