package io.cleave.test;

import io.cleave.App;
import io.cleave.Cleave;

/**
 * One way to run an application under test. Built in: {@code single} (one process, plain
 * calls) and {@code single-serialized} (one process, every call between components encoded
 * and decoded). Modules add more, such as {@code multi}, by listing an implementation in
 * {@code META-INF/services/io.cleave.test.TestTopology}; test classes then run in them
 * without changes.
 */
public interface TestTopology {

    /**
     * The name tests select it by and that names each run, such as {@code single}.
     *
     * @return the name
     */
    String name();

    /**
     * Starts the application in this topology.
     *
     * @param builder configured with the test class's configuration and overrides
     * @return the running application, closed by the extension when the class is done
     * @throws io.cleave.StartupException if it cannot start
     */
    App start(Cleave.Builder builder);
}
