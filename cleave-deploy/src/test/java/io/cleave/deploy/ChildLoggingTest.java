package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.deploy.app.Greeter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The children log as the supervisor's JVM was configured to ({@code -Djava.util.logging.config.file},
 * as {@code ./shop} starts it): a logger the file quiets is quiet in every process.
 */
class ChildLoggingTest {

    @TempDir
    Path files;

    @Test
    void theSupervisorsLoggingFileGovernsItsChildren() throws Exception {
        Path config = files.resolve("logging.properties");
        Files.writeString(config, """
                handlers = java.util.logging.ConsoleHandler
                .level = INFO
                java.util.logging.ConsoleHandler.level = ALL
                io.cleave.transport.level = WARNING
                """);
        List<String> childLines;
        String before = System.getProperty(Supervisor.LOGGING_CONFIG);
        System.setProperty(Supervisor.LOGGING_CONFIG, config.toString());
        try (App app = Cleave.app().configText(TestApps.config("child-logging", ChildLoggingTest.class, """
                groups = [["Counter", "Greeter", "Bomb"]]
                """)).start()) {
            assertThat(app.component(Greeter.class).greet("Ada")).startsWith("Hello, Ada!");
            SupervisorHandle supervisor = SupervisorHandle.find(TestApps.stateDirectory(ChildLoggingTest.class), Optional.empty());
            childLines = Files.readAllLines(supervisor.log()).stream().filter(l -> l.contains(" Counter+Greeter+Bomb/0 ")).toList();
        } finally {
            if (before == null) {
                System.clearProperty(Supervisor.LOGGING_CONFIG);
            } else {
                System.setProperty(Supervisor.LOGGING_CONFIG, before);
            }
        }

        assertThat(childLines).as("the child logs at INFO what the file leaves at INFO")
                .anyMatch(l -> l.contains(" INFO cleave"));
        assertThat(childLines).as("and nothing at INFO from the logger the file sets to WARNING")
                .noneMatch(l -> l.contains(" INFO io.cleave.transport"));
    }
}
