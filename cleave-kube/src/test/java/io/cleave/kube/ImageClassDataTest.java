package io.cleave.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageClassData}'s handling of its inputs: class lists of several groups merged, image
 * tars unpacked as a container runtime would, and malformed ones refused by name. The training
 * itself (every group of the shop started from its image) runs in the shop's {@code ShopImageIT}.
 */
class ImageClassDataTest {

    private static final Instant JIB_TIME = Instant.ofEpochSecond(1);

    @TempDir
    Path dir;

    @Test
    void anImageUnpacksWithItsFilesTimesAndItsEntryPointRebased() throws IOException {
        Path tar = image(Map.of("app/libs/x.jar", "jar bytes", "app/jib-classpath-file", "/app/classpath/*:/app/libs/x.jar"),
                """
                {"config": {"Entrypoint": ["java", "-Xmx1g", "-XX:SharedArchiveFile=/app/cds/app.jsa", "-cp",
                 "@/app/jib-classpath-file", "com.example.Main"], "WorkingDir": "/app"}}""");
        Path root = dir.resolve("fs");

        ImageClassData.Image image = ImageClassData.Image.unpack(tar, root);

        assertThat(root.resolve("app/libs/x.jar")).hasContent("jar bytes");
        assertThat(Files.getLastModifiedTime(root.resolve("app/libs/x.jar"))).isEqualTo(FileTime.from(JIB_TIME));
        assertThat(image.jvmOptions()).containsExactly("-Xmx1g");
        assertThat(image.mainClass()).isEqualTo("com.example.Main");
        assertThat(image.classPathArgument()).isEqualTo("@" + root.resolve("app/jib-classpath-file"));
        assertThat(root.resolve("app/jib-classpath-file")).hasContent(root + "/app/classpath/*:" + root + "/app/libs/x.jar");
        assertThat(image.workingDirectory()).isEqualTo(root.resolve("app"));
    }

    @Test
    void aLayerEntryThatWouldLeaveTheRootIsRefusedByName() throws IOException {
        Path tar = image(Map.of("../../escaped", "x"), """
                {"config": {"Entrypoint": ["java", "-cp", "/app/libs/x.jar", "Main"]}}""");

        assertThatThrownBy(() -> ImageClassData.Image.unpack(tar, dir.resolve("fs")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("entry '../../escaped' would be written outside the image root");
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    void aTarThatIsNotAnImageOrAnEntryPointThatIsNotJavaIsRefusedWithWhatWasExpected() throws IOException {
        Path notAnImage = dir.resolve("plain.tar");
        try (OutputStream out = Files.newOutputStream(notAnImage)) {
            out.write(tarOf(Map.of("README", "hello")));
        }
        assertThatThrownBy(() -> ImageClassData.Image.unpack(notAnImage, dir.resolve("fs1")))
                .hasMessageContaining("has no manifest.json: not an image tar in Docker's format");

        Path shell = image(Map.of("app/run.sh", "#!/bin/sh"), """
                {"config": {"Entrypoint": ["/app/run.sh"]}}""");
        assertThatThrownBy(() -> ImageClassData.Image.unpack(shell, dir.resolve("fs2")))
                .hasMessageContaining("the entry point is not 'java [OPTIONS] -cp CLASS_PATH MAIN_CLASS'")
                .hasMessageContaining("/app/run.sh");

        assertThatThrownBy(() -> ImageClassData.Image.unpack(dir.resolve("absent.tar"), dir.resolve("fs3")))
                .hasMessageContaining("no image at " + dir.resolve("absent.tar"));
    }

    /** A Docker-format image tar with one gzipped layer holding {@code files}, as Jib's buildTar writes one. */
    private Path image(Map<String, String> files, String config) throws IOException {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(layer)) {
            gz.write(tarOf(files));
        }
        byte[] outer = tarOf(Map.of(
                "manifest.json", "[{\"Config\": \"config.json\", \"Layers\": [\"layer.tar.gz\"]}]",
                "config.json", config), Map.of("layer.tar.gz", layer.toByteArray()));
        Path tar = dir.resolve("image-" + System.nanoTime() + ".tar");
        Files.write(tar, outer);
        return tar;
    }

    private static byte[] tarOf(Map<String, String> texts) throws IOException {
        return tarOf(texts, Map.of());
    }

    private static byte[] tarOf(Map<String, String> texts, Map<String, byte[]> binaries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> f : binaries.entrySet()) {
                add(tar, f.getKey(), f.getValue());
            }
            for (Map.Entry<String, String> f : texts.entrySet()) {
                add(tar, f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true); // as given: "../" is kept, as a hostile tar would keep it
        e.setSize(content.length);
        e.setModTime(Date.from(JIB_TIME));
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
