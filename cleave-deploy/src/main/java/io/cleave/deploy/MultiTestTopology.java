package io.cleave.deploy;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.test.TestTopology;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code multi} topology of {@code cleave-test}: the application under test runs under the
 * multi deployer, each component in its own process unless the test's configuration groups
 * them ({@code [multi] groups}, {@code [multi.replicas]}). Available to every
 * {@code @CleaveTest} class when {@code cleave-deploy} is on the test class path.
 *
 * <p>Children's log lines go only to the consolidated log, not to the test's output; under
 * Maven (a {@code target} directory in the working directory) the state directory is
 * {@code target/cleave-multi}, so each test run's logs stay with the build, and the children's
 * class-data archive goes to {@code target/cleave-class-data}, where every test class of the build
 * that starts children with the same JVM and class path finds it: only the first start pays for
 * the archive, and later starts and restarts load their libraries from it.
 */
public final class MultiTestTopology implements TestTopology {

    /** Under {@code target}, where test runs keep class-data archives: {@value}. */
    public static final String CLASS_DATA = "cleave-class-data";

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
        if (Files.isDirectory(target)) {
            builder.set("multi.state-dir", quoted(target.resolve("cleave-multi")));
            builder.set("multi.class-data-dir", quoted(target.resolve(CLASS_DATA)));
        }
        return builder.start();
    }

    private static String quoted(Path path) {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\") + "\"";
    }

    @Override
    public String toString() {
        return name();
    }
}
