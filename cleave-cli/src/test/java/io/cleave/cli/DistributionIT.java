package io.cleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution the build makes, unpacked into a directory of its own, as a user would, and
 * its {@code bin/cleave} run from there: nothing of this repository is used.
 */
class DistributionIT {

    @TempDir
    Path home;

    @Test
    void theUnpackedDistributionRunsItsCommandsAndCarriesAPagePerCommand() throws Exception {
        Path dist = unpack(Path.of(System.getProperty("cleave.distribution")), home);

        Result help = run(dist, "--help");
        Result version = run(dist, "--version");
        Result compat = run(dist, "compat", home.resolve("missing.jar").toString(), home.toString());

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: cleave").contains("run", "status", "logs", "load", "compat");
        assertThat(version.out()).startsWith("cleave ");
        assertThat(compat.code()).isEqualTo(2);
        assertThat(compat.err()).startsWith("cleave compat: " + home.resolve("missing.jar") + ": no such file");
        for (String command : List.of("run", "status", "logs", "load", "compat")) {
            assertThat(dist.resolve("docs/" + command + ".md")).exists();
        }
        assertThat(dist.resolve("README.md")).exists();
    }

    @Test
    void aSymlinkToTheLauncherFindsTheDistribution() throws Exception {
        Path dist = unpack(Path.of(System.getProperty("cleave.distribution")), home);
        Path bin = Files.createDirectories(home.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("cleave"), dist.resolve("bin/cleave"));

        Process p = new ProcessBuilder(bin.resolve("cleave").toString(), "--help").directory(home.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Usage: cleave");
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs the distribution's bin/cleave with this JVM's Java, from a directory outside the repository. */
    private Result run(Path dist, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(dist.resolve("bin/cleave").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("cleave " + String.join(" ", args) + " ended").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Unpacks the zip with the permissions it records (bin/cleave executable). */
    private static Path unpack(Path zip, Path into) throws IOException {
        assertThat(zip).as("the distribution the build made").exists();
        Path root = null;
        try (org.apache.commons.compress.archivers.zip.ZipFile file = org.apache.commons.compress.archivers.zip.ZipFile
                .builder().setPath(zip).get()) {
            for (Enumeration<ZipArchiveEntry> e = file.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                Path target = into.resolve(entry.getName()).normalize();
                if (root == null) {
                    root = into.resolve(entry.getName().substring(0, entry.getName().indexOf('/')));
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                if ((entry.getUnixMode() & 0100) != 0) {
                    Files.setPosixFilePermissions(target, Set.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
                }
            }
        }
        return root;
    }

}
