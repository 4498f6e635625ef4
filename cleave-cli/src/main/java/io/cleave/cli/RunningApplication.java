package io.cleave.cli;

import io.cleave.deploy.SupervisorHandle;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options that find a running multi application's supervisor, shared by {@code status} and {@code logs}. */
final class RunningApplication {

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP",
            description = "The application's name; needed only when several run from this directory.")
    private String application;

    @Option(names = "--state-dir", defaultValue = ".cleave", paramLabel = "DIR",
            description = "The [multi] state-dir the application uses (default: ${DEFAULT-VALUE}).")
    private Path stateDirectory;

    /**
     * @return the supervisor's handle
     * @throws IllegalStateException if no supervisor, or more than one, is found (the message says which)
     */
    SupervisorHandle supervisor() {
        return SupervisorHandle.find(stateDirectory, Optional.ofNullable(application));
    }
}
