package io.cleave.deploy;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.management.ObjectName;

/**
 * A class-data-sharing archive per group, so that a replica the supervisor restarts (after
 * {@code kill -9}, a crash or a failed health check) loads the classes of the JDK, Cleave and the
 * application's libraries already parsed and verified instead of from their jars. The first
 * process of a group to serve writes it (the JDK's dynamic archive, dumped in process); later
 * processes of that group start from it. The archive's name carries a digest of what it depends
 * on (the JDK, the JVM options, every class path entry's size and modification time), so a
 * rebuilt application or a new JDK gets a new archive instead of a stale one. Only for a class
 * path of jars ({@link #onlyJars}).
 */
final class ClassDataArchive {

    private static final System.Logger LOG = System.getLogger("cleave.multi");
    /** Set on a child that should write its group's archive: where. */
    static final String PROPERTY = "cleave.multi.archive";
    /** How long a child serves before it writes the archive: its first calls load classes worth keeping. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private ClassDataArchive() {
    }

    /**
     * The options that make a child of {@code group} start from its archive, or write it when
     * there is none yet.
     *
     * @param directory the application's state directory
     * @param group the group's name
     * @param command the child's command line without the per-slot options
     * @return JVM options to add before the main class
     */
    static List<String> options(Path directory, String group, List<String> command) {
        if (!onlyJars(command)) {
            return List.of();
        }
        Path archive = directory.resolve("archives").resolve(group.replaceAll("[^A-Za-z0-9._+-]", "_") + "-" + digest(command)
                + ".jsa");
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        return List.of("-XX:+RecordDynamicDumpInfo", "-D" + PROPERTY + "=" + archive);
    }

    /**
     * In a child asked to write its group's archive: writes it in the background once the child
     * has served for a moment, to a temporary file renamed into place, so a process killed while
     * writing leaves no broken archive.
     */
    static void writeIfAsked() {
        String target = System.getProperty(PROPERTY);
        if (target == null || target.isBlank()) {
            return;
        }
        Thread.ofVirtual().name("cleave-class-data-archive").start(() -> {
            try {
                Thread.sleep(SETTLE);
                Path archive = Path.of(target);
                if (Files.exists(archive)) {
                    return; // another replica of the group wrote it
                }
                Files.createDirectories(archive.getParent());
                Path temporary = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
                long started = System.nanoTime();
                ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "vmCds", new Object[] {new String[] {"dynamic_dump", temporary.toString()}},
                        new String[] {String[].class.getName()});
                Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.log(System.Logger.Level.INFO, "wrote the class-data archive " + archive.getFileName() + " in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms; restarts of this group start from it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.INFO, "no class-data archive for this group (restarts load classes from their"
                        + " jars): " + e.getMessage());
            }
        });
    }

    /**
     * Whether the class path holds only jars (or nothing at a path): the JDK archives classes
     * from jars only, and a dump with a non-empty directory on the class path ends the process.
     * An application run from its build's {@code classes} directory (as tests are) gets no archive.
     */
    static boolean onlyJars(List<String> command) {
        int at = command.indexOf("-cp");
        if (at < 0 || at + 1 >= command.size()) {
            return false;
        }
        for (String entry : command.get(at + 1).split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                try (var listing = Files.list(p)) {
                    if (listing.findAny().isPresent()) {
                        return false;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A digest of what an archive depends on: the command line and each class path entry's size and time. */
    private static String digest(List<String> command) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < command.size(); i++) {
                sha.update(command.get(i).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                if (command.get(i).equals("-cp") && i + 1 < command.size()) {
                    for (String entry : command.get(i + 1).split(File.pathSeparator)) {
                        Optional<String> stamp = stamp(Path.of(entry));
                        sha.update(stamp.orElse("-").getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    private static Optional<String> stamp(Path entry) {
        try {
            return Optional.of(Files.size(entry) + "@" + Files.getLastModifiedTime(entry).toMillis());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
