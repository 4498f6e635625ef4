package io.cleave.runtime;

import static io.cleave.runtime.Launches.failure;
import static io.cleave.runtime.Launches.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.greet.Greeter;
import io.cleave.runtime.shop.Journal;
import io.cleave.spi.AppOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    private final LaunchContext greet = LaunchContext.of(new io.cleave.runtime.greet.Cleave_Registry());
    private final LaunchContext greetAndShop = LaunchContext.of(new io.cleave.runtime.greet.Cleave_Registry(),
            new io.cleave.runtime.shop.Cleave_Registry()).withProviders(Launches.journalProvider(new Journal()));

    @Test
    void bindsComponentSectionToItsConfigRecord() {
        String toml = """
                [app]
                name = "hello"

                [Greeter]
                greeting = "Hello"
                times = 2
                """;

        try (App app = start(greet, toml)) {

            assertThat(app.name()).isEqualTo("hello");
            assertThat(app.component(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada! Hello, Ada!");
        }
    }

    @Test
    void unknownKeyNamesLineAndSuggestsClosestKey() {
        String toml = """
                [app]
                name = "hello"

                [Greeter]
                greeting = "Hello"
                greting = "Hi"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>:6: [Greeter] key \"greting\" is unknown (did you mean \"greeting\"?)");
    }

    @Test
    void unknownKeyFarFromAnyKnownKeyListsValidKeys() {
        String toml = """
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello"
                colour = "blue"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>:5: [Greeter] key \"colour\" is unknown"
                + " (valid keys: greeting, max-connections, times)");
    }

    @Test
    void wrongTypeNamesLineExpectedTypeAndActualValue() {
        String toml = """
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello"
                times = "five"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>:5: [Greeter] key \"times\" must be an integer, got string \"five\"");
    }

    @Test
    void missingRequiredKeyNamesSectionKeyAndType() {
        String toml = """
                [app]
                name = "hello"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>: [Greeter] is missing key \"greeting\" (String)");
    }

    @Test
    void unknownSectionSuggestsClosestComponent() {
        String toml = """
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello"
                [Greter]
                greeting = "Hi"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>:5: [Greter] is neither a component nor a known section"
                + " (did you mean \"Greeter\"?); components: Greeter");
    }

    @Test
    void aGatewaySectionWithoutTheGatewayOnTheClassPathSaysWhatToAdd() {
        String toml = """
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello"
                [gateway]
                replicas = 2
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessageContaining("<config text>: [gateway] asks for a gateway, and none is on the class path;"
                + " add the dependency io.cleave:cleave-gateway");
    }

    @Test
    void serviceSectionsAreNotComponentsButAreAccepted() {
        String toml = """
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello"
                [data]
                url = "jdbc:h2:mem:x"
                [listeners]
                web = ":8080"
                """;

        try (App app = start(greet, toml)) {

            assertThat(app.component(Greeter.class).greet("Bo")).isEqualTo("Hello, Bo!");
        }
    }

    @Test
    void syntaxErrorNamesLine() {
        String toml = """
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello
                """;

        StartupException e = failure(greet, toml);

        assertThat(e.getMessage()).startsWith("<config text>:4: ");
    }

    @Test
    void keyOutsideAnyTableIsRejected() {
        String toml = """
                name = "hello"
                [app]
                name = "hello"
                [Greeter]
                greeting = "Hello"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e).hasMessage("<config text>:1: key \"name\" is outside any table; put it in a section such as [app]");
    }

    @Test
    void componentWithoutConfigRecordRejectsKeysInItsSection() {
        String toml = """
                [app]
                name = "shop"
                [Greeter]
                greeting = "Hello"
                [Catalog]
                size = 3
                """;

        StartupException e = failure(greetAndShop, toml);

        assertThat(e).hasMessage("<config text>:6: [Catalog] key \"size\" is unknown (component Catalog takes no config record)");
    }

    @Test
    void reportsEveryProblemOfEveryComponentAtOnce() {
        String toml = """
                [app]
                deployer = "singel"
                [Greeter]
                times = "five"
                [Checkout]
                fail-on-start = "yes"
                [Cataloge]
                """;

        StartupException e = failure(greetAndShop, toml);

        assertThat(e.getMessage()).startsWith("application cannot start, 6 problems:").contains(
                "<config text>: [app] is missing key \"name\" (String)",
                "<config text>:2: [app] key \"deployer\": there is no deployer named \"singel\" (did you mean \"single\"?); available: single",
                "<config text>:7: [Cataloge] is neither a component nor a known section (did you mean \"Catalog\"?)",
                "<config text>:4: [Greeter] key \"times\" must be an integer, got string \"five\"",
                "<config text>: [Greeter] is missing key \"greeting\" (String)",
                "<config text>:6: [Checkout] key \"fail-on-start\" must be a boolean (true or false), got string \"yes\"");
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cleave.toml");
        Files.writeString(file, """
                [app]
                name = "hello"
                [Greeter]
                greeting = 5
                """);
        AppOptions options = new AppOptions(Optional.of(file), Optional.empty(), Optional.empty(), Map.of(), false);

        StartupException e = failure(greet, options);

        assertThat(e).hasMessage(file + ":4: [Greeter] key \"greeting\" must be a string, got integer 5");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path file = dir.resolve("nope.toml");
        AppOptions options = new AppOptions(Optional.of(file), Optional.empty(), Optional.empty(), Map.of(), false);

        StartupException e = failure(greet, options);

        assertThat(e).hasMessage("config file " + file + " does not exist");
    }

    @Test
    void defaultsToCleaveTomlInTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cleave.toml"), """
                [app]
                name = "local"
                [Greeter]
                greeting = "Hey"
                """);
        AppOptions none = new AppOptions(Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), false);

        try (App app = start(greet.withWorkingDirectory(dir), none)) {

            assertThat(app.name()).isEqualTo("local");
        }
    }

    @Test
    void withoutAnyConfigurationSaysSo(@TempDir Path dir) {
        AppOptions none = new AppOptions(Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), false);

        StartupException e = failure(greet.withWorkingDirectory(dir), none);

        assertThat(e.getMessage()).contains("cleave.toml (not found in " + dir.toAbsolutePath()
                + " nor on the class path): there is no configuration; pass --config=FILE, or set at least app.name");
    }

    @Test
    void invalidAppNameIsRejected() {
        String toml = """
                [app]
                name = "my app/1"
                [Greeter]
                greeting = "Hi"
                """;

        StartupException e = failure(greet, toml);

        assertThat(e.getMessage()).startsWith("<config text>:2: [app] key \"name\" must start with a letter or digit");
    }

    @Test
    void groupNamingUnknownComponentSuggestsClosest() {
        String toml = """
                [app]
                name = "shop"
                [Greeter]
                greeting = "Hi"
                [multi]
                groups = [["Cart", "Chekout"], ["Catalog"]]
                """;

        StartupException e = failure(greetAndShop, toml);

        assertThat(e).hasMessage("<config text>:6: [multi] groups entry 1 names unknown component \"Chekout\""
                + " (did you mean \"Checkout\"?); components: Greeter, Checkout, Cart, Catalog");
    }

    @Test
    void componentInTwoGroupsIsRejected() {
        String toml = """
                [app]
                name = "shop"
                [Greeter]
                greeting = "Hi"
                [multi]
                groups = [["Cart", "Checkout"], ["Catalog", "Cart"]]
                [multi.replicas]
                Catalgo = 2
                Cart = 0
                """;

        StartupException e = failure(greetAndShop, toml);

        assertThat(e.getMessage()).contains(
                "<config text>:6: [multi] groups entry 2 names component \"Cart\", which entry 1 already names; a component runs in one group",
                "<config text>:8: [multi.replicas] key \"Catalgo\" is unknown (did you mean \"Catalog\"?)",
                "<config text>:9: [multi.replicas] Cart must be at least 1, got 0");
    }
}
