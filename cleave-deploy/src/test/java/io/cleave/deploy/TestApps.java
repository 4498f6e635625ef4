package io.cleave.deploy;

import java.nio.file.Path;

/** Configuration of the test application ({@code io.cleave.deploy.app}) for the multi tests. */
final class TestApps {

    private TestApps() {
    }

    /** A state directory of its own per test class, under target/ so it survives for inspection. */
    static Path stateDirectory(Class<?> testClass) {
        return Path.of("target", "multi-state", testClass.getSimpleName()).toAbsolutePath();
    }

    /** Where every multi test's class-data archives go: shared, so an application's archive is made once per build. */
    static Path classDataDirectory() {
        return Path.of("target", MultiTestTopology.CLASS_DATA).toAbsolutePath();
    }

    /**
     * The [app] and [multi] sections every multi test uses, plus {@code extra}.
     *
     * @param name the application's name
     */
    static String config(String name, Class<?> testClass, String extra) {
        return config(name, testClass, "100ms", extra);
    }

    /**
     * The same, with the supervisor's first wait before it restarts a process that exited.
     *
     * @param restartBackoff [multi] restart-backoff
     */
    static String config(String name, Class<?> testClass, String restartBackoff, String extra) {
        return """
                [app]
                name = "%s"
                deployer = "multi"

                [multi]
                state-dir = "%s"
                class-data-dir = "%s"
                echo-logs = false
                restart-backoff = "%s"
                """.formatted(name, stateDirectory(testClass).toString().replace("\\", "\\\\"),
                classDataDirectory().toString().replace("\\", "\\\\"), restartBackoff) + extra;
    }
}
