package io.cleave;

import io.cleave.spi.AppOptions;
import io.cleave.spi.Launcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;

/**
 * Entry points of a Cleave application.
 *
 * <p>From {@code main}:
 * <pre>{@code
 * public static void main(String[] args) {
 *     Cleave.run(args);   // reads ./cleave.toml or --config=FILE, runs until stopped
 * }
 * }</pre>
 *
 * <p>Embedded, in a test or a tool:
 * <pre>{@code
 * try (App app = Cleave.app().config(Path.of("cleave.toml")).start()) {
 *     Greeter greeter = app.component(Greeter.class);
 * }
 * }</pre>
 *
 * <p>The runtime ({@code cleave-runtime}) must be on the class path; it is found with
 * {@link ServiceLoader}.
 */
public final class Cleave {

    /**
     * The system property naming a file that {@link #run} writes this process's id to once the
     * application has started ({@code -Dcleave.started-file=...}).
     */
    public static final String STARTED_FILE = "cleave.started-file";

    private Cleave() {
    }

    /**
     * Runs the application until the JVM is asked to stop (Ctrl-C, SIGTERM). Arguments:
     * {@code --config=FILE} (default {@code cleave.toml} in the working directory, else the
     * one on the class path), {@code --deployer=NAME} and {@code --set=KEY=VALUE} (repeatable).
     * A startup failure prints its message to standard error and exits with status 1. Once the
     * application started, this process's id is written to the file named by the system property
     * {@value #STARTED_FILE}, if set.
     *
     * @param args command-line arguments
     */
    public static void run(String... args) {
        Builder builder = app();
        for (String arg : args) {
            if (arg.startsWith("--config=")) {
                builder.config(Path.of(arg.substring("--config=".length())));
            } else if (arg.startsWith("--deployer=")) {
                builder.deployer(arg.substring("--deployer=".length()));
            } else if (arg.startsWith("--set=") && arg.indexOf('=', 6) > 6) {
                int eq = arg.indexOf('=', 6);
                builder.set(arg.substring(6, eq), arg.substring(eq + 1));
            } else {
                System.err.println("cleave: unknown argument \"" + arg
                        + "\"; valid: --config=FILE, --deployer=NAME, --set=KEY=VALUE");
                System.exit(2);
                return;
            }
        }
        // The hook is installed before starting so that a SIGTERM during start still stops
        // whatever started: it waits for the start to finish, then closes the app.
        CompletableFuture<App> started = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.join().close();
            } catch (RuntimeException startFailed) {
                // nothing is running: a failed start leaves nothing behind
            }
        }, "cleave-shutdown"));
        App app;
        try {
            app = builder.start();
            started.complete(app);
            markStarted();
        } catch (StartupException e) {
            started.completeExceptionally(e);
            System.err.println("cleave: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException | Error e) {
            started.completeExceptionally(e);
            throw e;
        }
        try {
            app.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            app.close();
        }
    }

    /**
     * Writes this process's id to the file named by the system property {@value #STARTED_FILE},
     * when set: a script that started the JVM learns that the application started (its launcher
     * keeps a class-data archive only from a run that did).
     */
    private static void markStarted() {
        String file = System.getProperty(STARTED_FILE);
        if (file != null) {
            try {
                Files.writeString(Path.of(file), ProcessHandle.current().pid() + "\n");
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("cleave: cannot write " + STARTED_FILE + " = " + file + ": " + e.getMessage());
            }
        }
    }

    /**
     * Starts describing an application to start.
     *
     * @return a new builder
     */
    public static Builder app() {
        return new Builder();
    }

    /** Options for starting an application; every option {@code cleave.toml} can set. */
    public static final class Builder {
        private Path config;
        private String configText;
        private String deployer;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private boolean serializeCalls;

        private Builder() {
        }

        /**
         * Reads the configuration from a file.
         *
         * @param file a {@code cleave.toml}
         * @return this builder
         */
        public Builder config(Path file) {
            this.config = file;
            this.configText = null;
            return this;
        }

        /**
         * Takes the configuration from text, as if read from a file; useful in tests.
         *
         * @param toml the configuration
         * @return this builder
         */
        public Builder configText(String toml) {
            this.configText = toml;
            this.config = null;
            return this;
        }

        /**
         * Selects the deployer ({@code single} by default), overriding the configuration.
         *
         * @param name a deployer name
         * @return this builder
         */
        public Builder deployer(String name) {
            this.deployer = name;
            return this;
        }

        /**
         * Overrides one configuration key, with the precedence of an environment variable.
         *
         * @param key a dotted key such as {@code Greeter.greeting}
         * @param value its value, in TOML syntax for non-strings
         * @return this builder
         */
        public Builder set(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /**
         * In the {@code single} deployer, sends every call between components through
         * encoding and decoding, as a remote call would, so a test proves the code does not
         * rely on shared mutable arguments or object identity.
         *
         * @param on whether to serialize calls
         * @return this builder
         */
        public Builder serializeCalls(boolean on) {
            this.serializeCalls = on;
            return this;
        }

        /**
         * Starts the application: validates configuration and the component graph, then
         * constructs and starts components in dependency order.
         *
         * @return the running application
         * @throws StartupException if it cannot start; nothing is left running
         */
        public App start() {
            AppOptions options = new AppOptions(Optional.ofNullable(config), Optional.ofNullable(configText),
                    Optional.ofNullable(deployer), Map.copyOf(overrides), serializeCalls);
            List<Launcher> launchers = ServiceLoader.load(Launcher.class).stream().map(ServiceLoader.Provider::get).toList();
            if (launchers.isEmpty()) {
                throw new StartupException("no Cleave runtime on the class path: add io.cleave:cleave-runtime");
            }
            return launchers.get(0).launch(options);
        }
    }
}
