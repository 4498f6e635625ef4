package io.cleave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.runtime.greet.GreetMain;
import io.cleave.runtime.greet.Greeter;
import io.cleave.spi.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the public entry points only, with the runtime found by ServiceLoader. */
class EndToEndTest {

    @Test
    void builderStartsTheApplicationFoundOnTheClassPath() {
        try (App app = Cleave.app()
                .configText("[app]\nname = \"hello\"\n[Greeter]\ngreeting = \"Hello\"\n")
                .set("Greeter.times", "2")
                .serializeCalls(true)
                .start()) {

            assertThat(app.component(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada! Hello, Ada!");
        }
    }

    @Test
    void runServesUntilTheProcessIsToldToStop(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("cleave.toml");
        Files.writeString(config, "[app]\nname = \"hello\"\n[Greeter]\ngreeting = \"Hello\"\n");
        Path startedFile = dir.resolve("started");
        Process process = java(GreetMain.class.getName(), "-D" + Cleave.STARTED_FILE + "=" + startedFile, "--config=" + config)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        try (BufferedReader out = reader(process.getInputStream()); BufferedReader err = reader(process.getErrorStream())) {

            assertThat(out.readLine()).isEqualTo("Greeter started");
            // Cleave.run installs its shutdown hook after start returns and before it waits; the
            // runtime logs when the wait begins, so a signal sent after that line is handled.
            String line;
            do {
                line = err.readLine();
            } while (line != null && !line.contains("application hello is running"));
            assertThat(line).contains("application hello is running (deployer single, components Greeter)");
            Await.until(Duration.ofSeconds(10), "the started file written", () -> Files.exists(startedFile));
            assertThat(Files.readString(startedFile)).isEqualTo(process.pid() + "\n");
            process.toHandle().destroy(); // SIGTERM, like Ctrl-C or a container stop; keeps our end of the pipes open

            assertThat(out.readLine()).isEqualTo("Greeter stopped");
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void runReportsStartupProblemsAndExitsWithStatusOne(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("cleave.toml");
        Files.writeString(config, "[app]\nname = \"hello\"\n[Greeter]\ngreting = \"Hello\"\n");
        Path startedFile = dir.resolve("started");
        Process process = java(GreetMain.class.getName(), "-D" + Cleave.STARTED_FILE + "=" + startedFile, "--config=" + config)
                .redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(output).contains("cleave: application \"hello\" cannot start, 2 problems:",
                    config + ":4: [Greeter] key \"greting\" is unknown (did you mean \"greeting\"?)",
                    config + ": [Greeter] is missing key \"greeting\" (String)");
            assertThat(startedFile).as("not started: no started file").doesNotExist();
        } finally {
            process.destroyForcibly();
        }
    }

    private static BufferedReader reader(java.io.InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** A JVM running {@code mainClass}; arguments starting with {@code -D} go to the JVM, the others to the class. */
    private static ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List.of(args).stream().filter(a -> a.startsWith("-D")).forEach(command::add);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        List.of(args).stream().filter(a -> !a.startsWith("-D")).forEach(command::add);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    }
}
