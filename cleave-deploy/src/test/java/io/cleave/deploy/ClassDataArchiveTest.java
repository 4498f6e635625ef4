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

        List<String> options = ClassDataArchive.options(dir.resolve("state"), "Catalog+Recommendations", command(jar.toString()));

        assertThat(options).hasSize(2).first().isEqualTo("-XX:+RecordDynamicDumpInfo");
        assertThat(options.get(1)).startsWith("-D" + ClassDataArchive.PROPERTY + "=" + dir.resolve("state/archives/Catalog+Recommendations-"))
                .endsWith(".jsa");
    }

    @Test
    void aGroupWithAnArchiveStartsFromIt() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        String asked = ClassDataArchive.options(dir, "Cart", command(jar.toString())).get(1);
        Path archive = Path.of(asked.substring(asked.indexOf('=') + 1));
        Files.createDirectories(archive.getParent());
        Files.writeString(archive, "pretend archive");

        List<String> options = ClassDataArchive.options(dir, "Cart", command(jar.toString()));

        assertThat(options).containsExactly("-XX:SharedArchiveFile=" + archive);
    }

    @Test
    void aRebuiltJarGetsANewArchive() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "pretend jar");
        String before = ClassDataArchive.options(dir, "Cart", command(jar.toString())).get(1);

        Files.writeString(jar, "pretend jar, rebuilt and longer");
        String after = ClassDataArchive.options(dir, "Cart", command(jar.toString())).get(1);

        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void aClassPathWithAClassesDirectoryGetsNoArchiveSinceDumpingWouldEndTheProcess() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "pretend class");
        Path jar = Files.writeString(dir.resolve("lib.jar"), "pretend jar");

        List<String> options = ClassDataArchive.options(dir, "Cart", command(classes + ":" + jar));

        assertThat(options).isEmpty();
    }
}
