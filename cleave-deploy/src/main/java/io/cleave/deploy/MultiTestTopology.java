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
 * {@code target/cleave-multi}, so each test run's logs stay with the build.
 */
public final class MultiTestTopology implements TestTopology {

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
            builder.set("multi.state-dir", "\"" + target.resolve("cleave-multi").toAbsolutePath().toString()
                    .replace("\\", "\\\\") + "\"");
        }
        return builder.start();
    }

    @Override
    public String toString() {
        return name();
    }
}
