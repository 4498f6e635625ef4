package io.cleave.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aChildStartedWithoutAnArchiveListsItsClassesForIt() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");

        Path archive = ClassDataArchive.archive(dir.resolve("archives"), command(jar.toString())).orElseThrow();
        List<String> options = ClassDataArchive.options(archive, "7-1");

        assertThat(archive.getParent()).isEqualTo(dir.resolve("archives")).isDirectory();
        assertThat(archive.getFileName().toString()).matches("classes-[0-9a-f]{16}\\.jsa");
        assertThat(options).containsExactly(ClassDataArchive.CLASS_LIST_OPTION + archive + ".7-1.classlist");
    }

    @Test
    void aChildStartedWithAnArchiveStartsFromIt() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        Path archive = ClassDataArchive.archive(dir, command(jar.toString())).orElseThrow();
        Files.writeString(archive, "pretend archive");
        Path leftover = Files.writeString(dir.resolve(archive.getFileName() + ".1-1.classlist"), "java/lang/Object id: 0\n");
        // what a supervisor killed while it dumped left: its merged list and its temporary archive
        Path merged = Files.writeString(dir.resolve(archive.getFileName() + ".1-merged"), "java/lang/Object\n");
        Path temporary = Files.writeString(dir.resolve(archive.getFileName() + ".1.tmp"), "half an archive");

        List<String> options = ClassDataArchive.options(archive, "2-1");

        assertThat(options).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(leftover).as("a class list nothing will read any more").doesNotExist();
        assertThat(merged).doesNotExist();
        assertThat(temporary).doesNotExist();
    }

    @Test
    void aRebuiltJarGetsANewArchive() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        Path before = ClassDataArchive.archive(dir, command(jar.toString())).orElseThrow();

        Files.writeString(jar, "pretend jar, rebuilt and longer");

        assertThat(ClassDataArchive.archive(dir, command(jar.toString()))).get().isNotEqualTo(before);
    }

    @Test
    void aClassPathWithAClassesDirectoryFirstGetsNoArchiveSinceTheJdkWouldRefuseIt() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        Path jar = Files.writeString(dir.resolve("lib.jar"), "pretend jar");

        assertThat(ClassDataArchive.archive(dir, command(classes + ":" + jar))).isEmpty();
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
        assertThat(ClassDataArchive.archive(dir, command(ordered))).isPresent();
    }

    @Test
    void entriesNoFileIsAtAreLeftOutOfTheChildrensClassPathForTheJdkWouldNotDumpAnArchiveWithThem() throws IOException {
        Path lib = jar("lib.jar", "lib/L.class");
        Path other = jar("other.jar", "other/O.class");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        // two class path files concatenated without a line end between them: one entry made of two
        String glued = lib + other.toString();

        assertThat(ClassDataArchive.childClassPath(String.join(":", lib.toString(), glued, other.toString())))
                .isEqualTo(lib + ":" + other);
        assertThat(ClassDataArchive.childClassPath(String.join(":", classes.toString(), glued, lib.toString())))
                .isEqualTo(lib + ":" + classes);
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

        Path archive = ClassDataArchive.archive(dir, one).orElseThrow();

        assertThat(ClassDataArchive.archive(dir, other)).contains(archive);
        assertThat(ClassDataArchive.archive(dir, otherJvm)).get().isNotEqualTo(archive);
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
    void theArchiveIsDumpedFromTheChildrensListsInASeparateJvmWithTheirOptionsAndStartsAJvm() throws Exception {
        Path jar = jar("empty.jar", "META-INF/");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xss1m", "-Dcleave.app=shop", "-cp", jar.toString(), GroupMain.class.getName(),
                "--deployer=multi");
        Path archive = ClassDataArchive.archive(dir, command).orElseThrow();
        // the class lists two children's -XX:DumpLoadedClassList wrote, in the JDK's own format, with their own ids
        String launches = ClassDataArchive.launches();
        Path first = Files.writeString(dir.resolve(archive.getFileName() + "." + launches + "1.classlist"),
                "java/lang/Object id: 0\njava/util/ArrayList id: 1\n");
        Path second = Files.writeString(dir.resolve(archive.getFileName() + "." + launches + "2.classlist"),
                "java/lang/Object id: 0\njava/util/concurrent/ConcurrentHashMap id: 1\n");

        List<String> dump = ClassDataArchive.dumpCommand(command, dir.resolve("merged"), archive);
        assertThat(dump).as("run at the lowest priority, with the children's JVM options but not their properties")
                .startsWith("/usr/bin/nice", "-n", "19", java, "-Xss1m").doesNotContain("-Dcleave.app=shop", "--deployer=multi")
                .endsWith("-Xshare:dump", "-XX:SharedClassListFile=" + dir.resolve("merged"), "-XX:SharedArchiveFile=" + archive,
                        "-cp", jar.toString());

        assertThat(ClassDataArchive.write(archive, command)).isTrue();

        assertThat(archive).isRegularFile();
        assertThat(first).as("merged and done with").doesNotExist();
        assertThat(second).doesNotExist();
        assertThat(ClassDataArchive.write(archive, command)).as("written once").isFalse();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        // -Xshare:on fails rather than start without the archive: the jars with a class directory after them
        Process started = new ProcessBuilder(java, "-Xss1m", "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp",
                jar + ":" + classes, "-version").redirectErrorStream(true).start();
        String output = new String(started.getInputStream().readAllBytes());
        assertThat(started.waitFor()).as(output).isZero();
    }

    @Test
    void withoutAnyChildsClassListThereIsNoArchiveAndTheErrorSaysWhy() throws IOException {
        Path jar = jar("empty.jar", "META-INF/");
        Path archive = ClassDataArchive.archive(dir, command(jar.toString())).orElseThrow();

        assertThatThrownBy(() -> ClassDataArchive.write(archive, command(jar.toString()))).isInstanceOf(IOException.class)
                .hasMessage("no child listed the classes it loaded in " + dir);
        assertThat(archive).doesNotExist();
        assertThat(dir.resolve(archive.getFileName() + ".lock")).as("the lock is let go").doesNotExist();
    }

    @Test
    void archivesOfEarlierBuildsAreDeletedOnceUnusedButTheLastUsedAreKept() throws IOException {
        java.time.Instant now = java.time.Instant.now();
        Path written = archiveUsed("classes-0000000000000000.jsa", now);
        Path inUse = archiveUsed("classes-1111111111111111.jsa", now.minusSeconds(60)); // another application's
        Path lastWeek = archiveUsed("classes-2222222222222222.jsa", now.minus(java.time.Duration.ofDays(7)));
        Path lastMonth = archiveUsed("classes-3333333333333333.jsa", now.minus(java.time.Duration.ofDays(30)));
        Path lastMonthsList = Files.writeString(dir.resolve("classes-3333333333333333.jsa.1-1.classlist"), "java/lang/Object\n");
        Path lastYear = archiveUsed("classes-4444444444444444.jsa", now.minus(java.time.Duration.ofDays(365)));
        Path notAnArchive = archiveUsed("notes.jsa", now.minus(java.time.Duration.ofDays(365)));

        ClassDataArchive.pruneOthers(written);

        assertThat(written).exists();
        assertThat(inUse).as("used a minute ago").exists();
        assertThat(lastWeek).as("one of the " + ClassDataArchive.KEEP + " last used").exists();
        assertThat(lastMonth).doesNotExist();
        assertThat(lastMonthsList).doesNotExist();
        assertThat(lastYear).doesNotExist();
        assertThat(notAnArchive).as("not one of ours").exists();
    }

    @Test
    void startingAChildFromAnArchiveMarksItUsed() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        Path archive = ClassDataArchive.archive(dir, command(jar.toString())).orElseThrow();
        archiveUsed(archive.getFileName().toString(), java.time.Instant.now().minus(java.time.Duration.ofDays(30)));

        ClassDataArchive.options(archive, "1-1");

        assertThat(Files.getLastModifiedTime(archive).toInstant()).isAfter(java.time.Instant.now().minusSeconds(60));
    }

    private Path archiveUsed(String name, java.time.Instant when) throws IOException {
        Path archive = Files.writeString(dir.resolve(name), "pretend archive");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.from(when));
        return archive;
    }
}
