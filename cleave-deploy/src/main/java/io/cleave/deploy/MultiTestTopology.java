package io.cleave.deploy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.test.TestTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code multi} topology of {@code cleave-test}: the application under test runs under the
 * multi deployer, each component in its own process unless the test's configuration groups
 * them ({@code [multi] groups}, {@code [multi.replicas]}). Available to every
 * {@code @CleaveTest} class when {@code cleave-deploy} is on the test class path.
 *
 * <p>Children's log lines go only to the consolidated log, not to the test's output; under
 * Maven (a {@code target} directory in the working directory) each application started gets a
 * state directory of its own under {@code target/cleave-multi} ({@link #stateDirectory}), so each
 * test run's logs stay with the build and two applications of the same name — a test class's and
 * one shared by several classes — never share a state file or a log; the children's
 * class-data archive goes to {@code target/cleave-class-data}, where every test class of the build
 * that starts children with the same JVM and class path finds it: only the first start pays for
 * the archive, and later starts and restarts load their libraries from it.
 */
public final class MultiTestTopology implements TestTopology {

    /** Under {@code target}, where test runs keep class-data archives: {@value}. */
    public static final String CLASS_DATA = "cleave-class-data";

    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Map<App, Path> STATE_DIRECTORIES = Collections.synchronizedMap(new WeakHashMap<>());

    /** Creates the topology; {@code cleave-test} does this through {@link java.util.ServiceLoader}. */
    public MultiTestTopology() {
    }

    @Override
    public String name() {
        return MultiDeployer.NAME;
    }

    @Override
    public App start(Cleave.Builder builder) {
        builder.deployer(MultiDeployer.NAME).set("multi.echo-logs", "false");
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return builder.start();
        }
        Path stateDirectory = target.resolve("cleave-multi").resolve(ProcessHandle.current().pid() + "-" + STARTS.incrementAndGet())
                .toAbsolutePath();
        builder.set("multi.state-dir", quoted(stateDirectory));
        builder.set("multi.class-data-dir", quoted(target.resolve(CLASS_DATA)));
        App app = builder.start();
        STATE_DIRECTORIES.put(app, stateDirectory);
        return app;
    }

    /**
     * The state directory of an application this topology started under Maven: where its
     * supervisor's state file and log are, for {@link SupervisorHandle#find}.
     *
     * @param app the application, as the test received it
     * @return its state directory, {@code target/cleave-multi/<pid>-<n>}
     * @throws IllegalArgumentException if this topology did not start it, or not under a {@code target} directory
     */
    public static Path stateDirectory(App app) {
        Path dir = STATE_DIRECTORIES.get(app);
        if (dir == null) {
            throw new IllegalArgumentException(app.name() + " was not started by the multi test topology under a target"
                    + " directory, so it has no state directory of the topology's");
        }
        return dir;
    }

    private static String quoted(Path path) {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\") + "\"";
    }

    @Override
    public String toString() {
        return name();
    }
}
