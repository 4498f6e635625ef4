package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {

    @TempDir
    Path dir;

    private List<String> command(String classPath) {
        return List.of("/usr/bin/java", "-XX:+UseSerialGC", "-cp", classPath, GroupMain.class.getName());
    }

    @Test
    void aGroupWithoutAnArchiveIsAskedToWriteOneNamedAfterWhatItDependsOn() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");

        List<String> options = ClassDataArchive.options(dir.resolve("state"), "Catalog+Recommendations", command(jar.toString()), "1");

        assertThat(options).hasSize(2).first().asString()
                .startsWith(ClassDataArchive.CLASS_LIST_OPTION + dir.resolve("state/archives/Catalog+Recommendations-"))
                .endsWith(".jsa.1.classlist");
        assertThat(options.get(1)).startsWith("-D" + ClassDataArchive.PROPERTY + "=" + dir.resolve("state/archives/Catalog+Recommendations-"))
                .endsWith(".jsa");
    }

    @Test
    void aGroupWithAnArchiveStartsFromIt() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        String asked = ClassDataArchive.options(dir, "Cart", command(jar.toString()), "1").get(1);
        Path archive = Path.of(asked.substring(asked.indexOf('=') + 1));
        Files.createDirectories(archive.getParent());
        Files.writeString(archive, "pretend archive");

        List<String> options = ClassDataArchive.options(dir, "Cart", command(jar.toString()), "1");

        assertThat(options).containsExactly("-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void aRebuiltJarGetsANewArchive() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        String before = ClassDataArchive.options(dir, "Cart", command(jar.toString()), "1").get(1);

        Files.writeString(jar, "pretend jar, rebuilt and longer");
        String after = ClassDataArchive.options(dir, "Cart", command(jar.toString()), "1").get(1);

        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void aClassPathWithAClassesDirectoryGetsNoArchiveSinceDumpingWouldEndTheProcess() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        Path jar = Files.writeString(dir.resolve("lib.jar"), "pretend jar");

        List<String> options = ClassDataArchive.options(dir, "Cart", command(classes + ":" + jar), "1");

        assertThat(options).isEmpty();
    }

    @Test
    void theDumpRunsInASeparateJvmWithThisProcesssOptionsAndItsArchiveStartsAJvm() throws Exception {
        // the class list a child's -XX:DumpLoadedClassList writes, in the JDK's own format
        Path list = Files.writeString(dir.resolve("group.classlist"), "java/lang/Object id: 0\njava/util/ArrayList id: 1\n");
        Path archive = dir.resolve("group.jsa");
        Path jar = dir.resolve("empty.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/"));
        }
        List<String> dump = new java.util.ArrayList<>(ClassDataArchive.dumpCommand(list, archive));
        assertThat(dump).as("run at the lowest priority").startsWith("/usr/bin/nice", "-n", "19");
        assertThat(dump).contains("-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + archive)
                .noneMatch(option -> option.startsWith("-D") || option.startsWith(ClassDataArchive.CLASS_LIST_OPTION));
        dump.set(dump.size() - 1, jar.toString()); // this test's class path has directories, which a dump refuses

        Process dumping = new ProcessBuilder(dump).redirectErrorStream(true).start();
        String dumpOutput = new String(dumping.getInputStream().readAllBytes());
        assertThat(dumping.waitFor()).as(dumpOutput).isZero();
        assertThat(archive).isRegularFile();

        String java = dump.stream().filter(part -> part.endsWith("/java")).findFirst().orElseThrow();
        Process started = new ProcessBuilder(java, "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp", jar.toString(),
                "-version").redirectErrorStream(true).start();
        String output = new String(started.getInputStream().readAllBytes());
        assertThat(started.waitFor()).as(output).isZero();
    }
}
