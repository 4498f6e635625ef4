package io.cleave.runtime;

import static io.cleave.runtime.Launches.failure;
import static io.cleave.runtime.Launches.start;
import static io.cleave.runtime.Launches.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.greet.Greeter;
import io.cleave.spi.AppOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverridesTest {

    private static final String HELLO = """
            [app]
            name = "hello"
            [Greeter]
            greeting = "Hello"
            max-connections = 8
            """;

    private final LaunchContext greet = LaunchContext.of(new io.cleave.runtime.greet.Cleave_Registry());

    @Test
    void environmentVariableOverridesKebabCaseKey() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_GREETER__MAX_CONNECTIONS", "64"));

        try (App app = start(context, HELLO)) {

            assertThat(app.component(Greeter.class).maxConnections()).isEqualTo(64);
        }
    }

    @Test
    void environmentVariableSuppliesKeyMissingFromFile() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_GREETER__GREETING", "Howdy partner"));
        String toml = """
                [app]
                name = "hello"
                """;

        try (App app = start(context, toml)) {

            assertThat(app.component(Greeter.class).greet("Jo")).isEqualTo("Howdy partner, Jo!");
        }
    }

    @Test
    void builderSetWinsOverEnvironment() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_GREETER__GREETING", "Howdy"));

        try (App app = start(context, text(HELLO, Map.of("Greeter.greeting", "Hi", "Greeter.times", "2")))) {

            assertThat(app.component(Greeter.class).greet("Jo")).isEqualTo("Hi, Jo! Hi, Jo!");
        }
    }

    @Test
    void overrideTextThatReadsAsAnotherTypeIsStillAString() {
        try (App app = start(greet, text(HELLO, Map.of("Greeter.greeting", "42")))) {

            assertThat(app.component(Greeter.class).greet("Jo")).isEqualTo("42, Jo!");
        }
    }

    @Test
    void environmentOverrideOfWrongTypeNamesTheVariable() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_GREETER__TIMES", "five"));

        StartupException e = failure(context, HELLO);

        assertThat(e).hasMessage("environment variable CLEAVE_GREETER__TIMES: [Greeter] key \"times\" must be an integer,"
                + " got string \"five\"");
    }

    @Test
    void environmentOverrideOfUnknownKeySuggestsClosest() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_GREETER__GRETING", "Hi"));

        StartupException e = failure(context, HELLO);

        assertThat(e).hasMessage("environment variable CLEAVE_GREETER__GRETING: [Greeter] key \"greting\" is unknown"
                + " (did you mean \"greeting\"?)");
    }

    @Test
    void environmentOverrideOfUnknownSectionSuggestsComponent() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_GRETER__GREETING", "Hi"));

        StartupException e = failure(context, HELLO);

        assertThat(e).hasMessage("environment variable CLEAVE_GRETER__GREETING: section \"GRETER\" is neither a component"
                + " nor a known section (did you mean \"Greeter\"?); components: Greeter");
    }

    @Test
    void setOfUndottedKeyIsRejected() {
        StartupException e = failure(greet, text(HELLO, Map.of("greeting", "Hi")));

        assertThat(e).hasMessage("set(\"greeting\"): the key must be a dotted path such as \"Greeter.greeting\"");
    }

    @Test
    void unrelatedEnvironmentVariablesAreIgnored() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_TEST_POSTGRES_URL", "jdbc:postgresql://x",
                "PATH", "/bin", "GREETER__GREETING", "nope"));

        try (App app = start(context, HELLO)) {

            assertThat(app.component(Greeter.class).greet("Jo")).isEqualTo("Hello, Jo!");
        }
    }

    @Test
    void applicationRunsOnOverridesAlone(@TempDir Path empty) {
        AppOptions options = new AppOptions(Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of("app.name", "bare", "Greeter.greeting", "Yo"), false);

        try (App app = start(greet.withWorkingDirectory(empty), options)) {

            assertThat(app.name()).isEqualTo("bare");
            assertThat(app.component(Greeter.class).greet("Al")).isEqualTo("Yo, Al!");
        }
    }

    @Test
    void environmentSelectsSerializedCalls() {
        LaunchContext context = greet.withEnvironment(Map.of("CLEAVE_SINGLE__SERIALIZE_CALLS", "true"));

        try (App app = start(context, HELLO)) {

            assertThat(app.component(Greeter.class)).isNotInstanceOf(io.cleave.runtime.greet.GreeterImpl.class);
            assertThat(app.component(Greeter.class).greet("Jo")).isEqualTo("Hello, Jo!");
        }
    }
}
