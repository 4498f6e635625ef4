package io.cleave.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generates a project from the archetype and builds it, as a user would, without the network:
 * this build's Cleave artifacts are installed into a repository of the test's own, and everything
 * else (plugins, libraries) comes from the local repository this build uses, as a {@code file:}
 * mirror of every remote one. The generated project's tests run in every topology, and its jar
 * starts the application.
 */
class ArchetypeIT {

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT_ID = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
    private static final Pattern PACKAGING = Pattern.compile("<packaging>([^<]+)</packaging>");

    @TempDir
    Path work;

    private final Path root = Path.of(System.getProperty("cleave.root"));
    private final String version = System.getProperty("cleave.version");

    @Test
    void generatesATwoComponentAppThatBuildsTestsInEveryTopologyAndRuns() throws Exception {
        Path repository = Files.createDirectories(work.resolve("repository"));
        installCleave(repository);
        Path settings = settings(repository);

        Run generate = maven(work, settings, "org.apache.maven.plugins:maven-archetype-plugin:"
                + System.getProperty("archetype.version") + ":generate", "-DarchetypeGroupId=io.cleave",
                "-DarchetypeArtifactId=cleave-archetype", "-DarchetypeVersion=" + version, "-DgroupId=com.example",
                "-DartifactId=bank", "-Dversion=1.0-SNAPSHOT", "-Dpackage=com.example.bank", "-DinteractiveMode=false");
        Path app = work.resolve("bank");

        assertThat(generate.code()).as(generate.log()).isZero();
        assertThat(app.resolve("cleave.toml")).content().contains("name = \"bank\"", "[multi]");
        assertThat(app.resolve("src/main/java/com/example/bank/Greeter.java")).content()
                .startsWith("package com.example.bank;");
        assertThat(app.resolve("pom.xml")).content().contains("<cleave.version>" + version + "</cleave.version>",
                "<proc>full</proc>");

        Run build = maven(app, settings, "verify");

        assertThat(build.code()).as(build.log()).isZero();
        String report = Files.readString(app.resolve("target/surefire-reports/TEST-com.example.bank.GreeterTest.xml"));
        assertThat(report).contains("tests=\"3\"", "countsEveryVisit(Greeter)[single]",
                "countsEveryVisit(Greeter)[single-serialized]", "countsEveryVisit(Greeter)[multi]")
                .doesNotContain("<failure", "<error", "<skipped");

        Run single = run(app, List.of(java(), "-jar", "target/bank.jar"));
        Run multi = run(app, List.of(java(), "-jar", "target/bank.jar", "--deployer=multi"));

        assertThat(single.code()).as(single.log()).isZero();
        assertThat(single.log()).contains("Hello, Ada! (visit 1)", "Hello, Ada! (visit 2)");
        assertThat(multi.code()).as(multi.log()).isZero();
        assertThat(multi.log()).contains("Hello, Ada! (visit 1)", "Hello, Ada! (visit 2)");
    }

    /** Copies the parent, the BOM and every library module's pom and jar into the repository's layout. */
    private void installCleave(Path repository) throws IOException {
        install(repository, "cleave-parent", root.resolve("pom.xml"), null);
        Matcher modules = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (modules.find()) {
            String module = modules.group(1);
            if (module.startsWith("examples") || module.startsWith("bench")) {
                continue;
            }
            Path pom = root.resolve(module).resolve("pom.xml");
            String text = Files.readString(pom);
            Matcher id = ARTIFACT_ID.matcher(text);
            String artifactId = id.find() ? id.group(1) : module;
            Matcher packaging = PACKAGING.matcher(text);
            String kind = packaging.find() ? packaging.group(1) : "jar";
            Path jar = root.resolve(module).resolve("target").resolve(artifactId + "-" + version + ".jar");
            install(repository, artifactId, pom, kind.equals("pom") ? null : jar);
        }
    }

    private void install(Path repository, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repository.resolve("io/cleave").resolve(artifactId).resolve(version));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
        if (jar != null && Files.exists(jar)) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
        }
    }

    /** Settings whose every remote repository is this build's local one, releases only. */
    private Path settings(Path repository) throws IOException {
        String local = Path.of(System.getProperty("user.repository")).toUri().toString();
        String remote = "<id>central</id><url>" + local + "</url><releases><enabled>true</enabled></releases>"
                + "<snapshots><enabled>false</enabled></snapshots>";
        return Files.writeString(work.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors><mirror><id>local</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>
                  <profiles><profile><id>local</id>
                    <repositories><repository>%s</repository></repositories>
                    <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>local</activeProfile></activeProfiles>
                </settings>
                """.formatted(repository, local, remote, remote));
    }

    private record Run(int code, String log) {
    }

    private Run maven(Path directory, Path settings, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(),
                "-B", "-ntp", "-s", settings.toString()));
        command.addAll(List.of(args));
        return run(directory, command);
    }

    private Run run(Path directory, List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS");
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new Run(-1, "timed out after 10 minutes: " + command + "\n" + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
