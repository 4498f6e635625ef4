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
        subcommands = {LoadCommand.class, RunCommand.class, StatusCommand.class, LogsCommand.class, CommandLine.HelpCommand.class})
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
