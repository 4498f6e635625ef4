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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A class-data-sharing archive per group, so that a replica the supervisor restarts (after
 * {@code kill -9}, a crash or a failed health check) loads the classes of the JDK, Cleave and the
 * application's libraries already parsed and verified instead of from their jars. The first
 * process of a group to serve lists the classes it loads (the JDK's {@code -XX:DumpLoadedClassList},
 * which only appends lines to a file); a moment after it serves, it copies the list and has a
 * separate JVM dump a static archive from it ({@code -Xshare:dump}), which later processes of the
 * group start from. Nothing is dumped inside a serving process: the JDK's in-process dynamic dump
 * ({@code jcmd VM.cds dynamic_dump}), used before, left the process it ran in with a broken
 * lambda-proxy table, and that process crashed (SIGSEGV in
 * {@code LambdaProxyClassDictionary::find_lambda_proxy_class}, JDK 25.0.3) at its next new lambda,
 * seconds later, under load. The archive's name carries a digest of what it depends on (the JDK,
 * the JVM options, every class path entry's size and modification time), so a rebuilt application
 * or a new JDK gets a new archive instead of a stale one. Only for a class path of jars
 * ({@link #onlyJars}).
 */
final class ClassDataArchive {

    private static final System.Logger LOG = System.getLogger("cleave.multi");
    /** Set on a child that should write its group's archive: where. */
    static final String PROPERTY = "cleave.multi.archive";
    /** The option that makes the JDK list the classes a process loads, and where. */
    static final String CLASS_LIST_OPTION = "-XX:DumpLoadedClassList=";
    /** How long a child serves before it writes the archive: its first calls load classes worth keeping. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** How long the dumping JVM may take before it is given up. */
    private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(5);

    private ClassDataArchive() {
    }

    /**
     * The options that make a child of {@code group} start from its archive, or list the classes
     * it loads so that it can have the archive written when there is none yet.
     *
     * @param directory the application's state directory
     * @param group the group's name
     * @param command the child's command line without the per-slot options
     * @param launch unique among the launches of this state directory's children: names the child's class list
     * @return JVM options to add before the main class
     */
    static List<String> options(Path directory, String group, List<String> command, String launch) {
        if (!onlyJars(command)) {
            return List.of();
        }
        Path archive = directory.resolve("archives").resolve(group.replaceAll("[^A-Za-z0-9._+-]", "_") + "-" + digest(command)
                + ".jsa");
        if (Files.isRegularFile(archive)) {
            deleteLeftovers(archive);
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        try {
            Files.createDirectories(archive.getParent()); // the JDK does not create the class list's directory
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "no class-data archive for " + group + ": " + e.getMessage());
            return List.of();
        }
        return List.of(CLASS_LIST_OPTION + archive.resolveSibling(archive.getFileName() + "." + launch + ".classlist"),
                "-D" + PROPERTY + "=" + archive);
    }

    /**
     * In a child asked to write its group's archive: once the child has served for a moment, in
     * the background, copies the complete lines of its class list and runs a separate JVM with
     * the child's own options and class path that dumps the archive from them, to a temporary file
     * renamed into place, so a process killed while writing leaves no broken archive.
     */
    static void writeIfAsked() {
        String target = System.getProperty(PROPERTY);
        Optional<Path> classList = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> option.startsWith(CLASS_LIST_OPTION))
                .map(option -> Path.of(option.substring(CLASS_LIST_OPTION.length())))
                .findFirst();
        if (target == null || target.isBlank() || classList.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("cleave-class-data-archive").start(() -> {
            Path archive = Path.of(target);
            Path list = classList.get();
            Path copy = list.resolveSibling(list.getFileName() + ".complete");
            Path lock = archive.resolveSibling(archive.getFileName() + ".lock");
            Path temporary = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Path dumpLog = archive.resolveSibling(archive.getFileName() + ".dump.log");
            boolean locked = false;
            try {
                Thread.sleep(SETTLE);
                locked = lock(lock);
                if (!locked || Files.exists(archive)) {
                    return; // another replica of the group writes it, or wrote it
                }
                long started = System.nanoTime();
                String lines = Files.readString(list);
                Files.writeString(copy, lines.substring(0, lines.lastIndexOf('\n') + 1)); // a line being written is left out
                Process process = new ProcessBuilder(dumpCommand(copy, temporary)).redirectErrorStream(true)
                        .redirectOutput(dumpLog.toFile()).start();
                if (!process.waitFor(DUMP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("the dump took over " + DUMP_TIMEOUT.toMinutes() + " minutes");
                }
                if (process.exitValue() != 0 || !Files.isRegularFile(temporary)) {
                    throw new IOException("the dump exited with " + process.exitValue() + "; see " + dumpLog);
                }
                Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                deleteQuietly(dumpLog);
                LOG.log(System.Logger.Level.INFO, "wrote the class-data archive " + archive.getFileName() + " in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms; restarts of this group start from it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.INFO, "no class-data archive for this group (restarts load classes from their"
                        + " jars): " + e.getMessage());
            } finally {
                deleteQuietly(copy);
                deleteQuietly(temporary);
                deleteQuietly(list); // the JDK goes on appending to the open file, which no one reads any more
                if (locked) {
                    deleteQuietly(lock);
                }
            }
        });
    }

    /**
     * Takes the group's dump lock: one replica dumps, the others leave it. A lock older than the
     * dump's timeout was left by a process killed while dumping, and is taken over.
     */
    private static boolean lock(Path lock) throws IOException {
        try {
            Files.createFile(lock);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            try {
                if (Files.getLastModifiedTime(lock).toInstant().isBefore(java.time.Instant.now().minus(DUMP_TIMEOUT.multipliedBy(2)))) {
                    Files.deleteIfExists(lock);
                    return lock(lock);
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                return lock(lock);
            }
            return false;
        }
    }

    /** The class lists of this archive's group that processes killed before writing it left behind. */
    private static void deleteLeftovers(Path archive) {
        String prefix = archive.getFileName() + ".";
        try (var files = Files.list(archive.getParent())) {
            files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".classlist"))
                    .forEach(ClassDataArchive::deleteQuietly);
        } catch (IOException e) {
            // nothing to tidy
        }
    }

    /** A JVM with this process's options and class path that dumps a static archive of {@code classList}. */
    static List<String> dumpCommand(Path classList, Path archive) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
            command.addAll(List.of("/usr/bin/nice", "-n", "19")); // in the background of the processes that serve
        }
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-D") && !option.startsWith(CLASS_LIST_OPTION) && !option.startsWith("-Xshare")
                    && !option.startsWith("-XX:SharedArchiveFile") && !option.equals("-XX:+RecordDynamicDumpInfo")) {
                command.add(option);
            }
        }
        command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + archive,
                "-cp", System.getProperty("java.class.path")));
        return command;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left for the next start's digest to ignore
        }
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
