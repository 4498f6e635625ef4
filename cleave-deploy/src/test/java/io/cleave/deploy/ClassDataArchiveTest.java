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

        List<String> options = ClassDataArchive.options(dir.resolve("archives"), "Catalog+Recommendations", command(jar.toString()), "1");

        assertThat(options).hasSize(2).first().asString()
                .startsWith(ClassDataArchive.CLASS_LIST_OPTION + dir.resolve("archives/Catalog+Recommendations-"))
                .endsWith(".jsa.1.classlist");
        assertThat(options.get(1)).startsWith("-D" + ClassDataArchive.PROPERTY + "=" + dir.resolve("archives/Catalog+Recommendations-"))
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
    void aClassPathWithAClassesDirectoryFirstGetsNoArchiveSinceTheJdkWouldRefuseIt() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        Path jar = Files.writeString(dir.resolve("lib.jar"), "pretend jar");

        List<String> options = ClassDataArchive.options(dir, "Cart", command(classes + ":" + jar), "1");

        assertThat(options).isEmpty();
    }

    @Test
    void childrenGetTheJarsFirstAndTheArchiveHoldsThem() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createDirectories(classes.resolve("app"));
        Files.writeString(classes.resolve("app/A.class"), "pretend class");
        Path tests = Files.createDirectories(dir.resolve("test-classes"));
        Files.writeString(tests.resolve("ATest.class"), "pretend class");
        Path lib = jar("lib.jar", "lib/L.class", "META-INF/MANIFEST.MF");
        Path other = jar("other.jar", "other/O.class");
        Path empty = Files.createDirectories(dir.resolve("empty"));

        String ordered = ClassDataArchive.childClassPath(String.join(":", tests.toString(), classes.toString(), lib.toString(),
                empty.toString(), other.toString()));

        assertThat(ordered).isEqualTo(String.join(":", lib.toString(), empty.toString(), other.toString(), tests.toString(),
                classes.toString()));
        assertThat(ClassDataArchive.archivedEntries(ordered)).containsExactly(lib.toString(), empty.toString(), other.toString());
        assertThat(ClassDataArchive.options(dir, "Cart", command(ordered), "1")).hasSize(2);
    }

    @Test
    void aNameInBothADirectoryAndAJarKeepsTheClassPathAsItIs() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve("META-INF/services/io.cleave.spi.Registry"), "app.Registry\n");
        Path lib = jar("lib.jar", "lib/L.class", "META-INF/services/io.cleave.spi.Registry");
        String classPath = classes + ":" + lib;

        assertThat(ClassDataArchive.childClassPath(classPath)).as("the directory's services file would come second")
                .isEqualTo(classPath);
    }

    @Test
    void theArchiveIsNamedForTheJvmAndItsJarsNotTheApplicationsArguments() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        List<String> one = new java.util.ArrayList<>(command(jar.toString()));
        one.add("--set=listeners.web=127.0.0.1:1234");
        List<String> other = new java.util.ArrayList<>(command(jar.toString()));
        other.add("--set=listeners.web=127.0.0.1:5678");
        List<String> otherJvm = new java.util.ArrayList<>(command(jar.toString()));
        otherJvm.set(1, "-XX:+UseParallelGC");

        String asked = ClassDataArchive.options(dir, "Cart", one, "1").get(1);

        assertThat(ClassDataArchive.options(dir, "Cart", other, "2").get(1)).isEqualTo(asked);
        assertThat(ClassDataArchive.options(dir, "Cart", otherJvm, "3").get(1)).isNotEqualTo(asked);
    }

    private Path jar(String name, String... entries) throws IOException {
        Path jar = dir.resolve(name);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : entries) {
                out.putNextEntry(new java.util.jar.JarEntry(entry));
                out.write(1);
            }
        }
        return jar;
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
        // the dump gets the jars before this process's first class directory (here none: surefire puts them first)
        dump.set(dump.size() - 1, jar.toString());

        Process dumping = new ProcessBuilder(dump).redirectErrorStream(true).start();
        String dumpOutput = new String(dumping.getInputStream().readAllBytes());
        assertThat(dumping.waitFor()).as(dumpOutput).isZero();
        assertThat(archive).isRegularFile();

        String java = dump.stream().filter(part -> part.endsWith("/java")).findFirst().orElseThrow();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        // -Xshare:on fails rather than start without the archive: the jars with a class directory after them
        Process started = new ProcessBuilder(java, "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp", jar + ":" + classes,
                "-version").redirectErrorStream(true).start();
        String output = new String(started.getInputStream().readAllBytes());
        assertThat(started.waitFor()).as(output).isZero();
    }
}
