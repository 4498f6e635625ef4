package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cleave deploy kube} on the test application (Echo): files written, or one line saying what is wrong. */
class DeployKubeCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int cleave(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void writesTheApplicationsAndEachGroupsManifests() throws IOException {
        Path config = Files.writeString(dir.resolve("cleave.toml"), "[app]\nname = \"echo\"\n[kube]\nimage = \"echo:1\"\n");

        int code = cleave("deploy", "kube", "--config", config.toString(), "--out", dir.resolve("kube").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(dir.resolve("kube/echo.yaml")).content().contains("kind: \"ConfigMap\"").contains("image = \"echo:1\"");
        assertThat(dir.resolve("kube/echo-echo.yaml")).content().contains("kind: \"Deployment\"").contains("image: \"echo:1\"")
                .contains("kind: \"NetworkPolicy\"");
        assertThat(out.toString()).contains("wrote ").contains("echo-echo.yaml");
    }

    @Test
    void anUnknownKubeKeyIsOneLineAndExitOne() throws IOException {
        Path config = Files.writeString(dir.resolve("cleave.toml"), "[app]\nname = \"echo\"\n[kube]\nimmage = \"echo:1\"\n");

        int code = cleave("deploy", "kube", "--config", config.toString(), "--out", dir.resolve("kube").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("cleave deploy kube: ").contains("immage");
        assertThat(dir.resolve("kube")).doesNotExist();
    }

    @Test
    void withoutOutIsAUsageError() {
        assertThat(cleave("deploy", "kube")).isEqualTo(2);
        assertThat(err.toString()).contains("--out");
    }
}
