package io.cleave.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
 * or a new JDK gets a new archive instead of a stale one.
 *
 * <p>The JDK archives classes from jars only, and refuses to dump — or to use an archive — when a
 * non-empty directory precedes the archived entries on the class path. So an archive holds the
 * leading jars of the class path ({@link #archivedEntries}), and an application run from its
 * build's {@code classes} directories (tests, an IDE) has its children's class path put in that
 * order, jars first ({@link #childClassPath}), when no name in a directory is also in a jar: then
 * no class or resource can resolve differently, and its libraries, Cleave's included, come from
 * the archive while its own classes load from their directories.
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
     * @param archives where the archives go
     * @param group the group's name
     * @param command the child's command line without the per-slot options
     * @param launch unique among the launches of this state directory's children: names the child's class list
     * @return JVM options to add before the main class
     */
    static List<String> options(Path archives, String group, List<String> command, String launch) {
        if (archivedEntries(classPathOf(command)).isEmpty()) {
            return List.of();
        }
        Path archive = archives.resolve(group.replaceAll("[^A-Za-z0-9._+-]", "_") + "-" + digest(command) + ".jsa");
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
     * Takes the group's dump lock: one replica dumps, the others leave it. The lock file holds its
     * taker's pid; a lock whose taker is gone (killed while dumping: a test's {@code kill -9}, say),
     * or older than twice the dump's timeout, is taken over.
     */
    private static boolean lock(Path lock) throws IOException {
        try {
            Files.writeString(lock, Long.toString(ProcessHandle.current().pid()), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            try {
                String holder = Files.readString(lock).strip();
                boolean gone = holder.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(holder)).isEmpty();
                boolean old = Files.getLastModifiedTime(lock).toInstant().isBefore(java.time.Instant.now().minus(DUMP_TIMEOUT.multipliedBy(2)));
                if (gone || old) {
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
                "-cp", String.join(File.pathSeparator, archivedEntries(System.getProperty("java.class.path")))));
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
     * The entries of a class path an archive can hold: those before its first non-empty
     * directory (an empty or missing entry is no obstacle). Empty when a directory comes first.
     */
    static List<String> archivedEntries(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (nonEmptyDirectory(Path.of(entry))) {
                break;
            }
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * The class path to give children: {@code classPath} with its non-empty directories moved
     * after its jars (each kind in its order), so that an archive can hold the jars, when no file
     * in a directory has the name of an entry of a jar (a jar's manifest aside) — then every class
     * and resource resolves as before, {@code META-INF/services} files included. Otherwise, or
     * without directories, {@code classPath} as it is.
     */
    static String childClassPath(String classPath) {
        List<String> jars = new ArrayList<>();
        List<String> directories = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                return classPath; // the working directory, whatever it holds: left where it is
            }
            (nonEmptyDirectory(Path.of(entry)) ? directories : jars).add(entry);
        }
        if (directories.isEmpty() || archivedEntries(classPath).size() == jars.size()) {
            return classPath; // nothing to archive, or the jars already come first
        }
        Optional<String> shadowed = sharedName(directories, jars);
        if (shadowed.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "no class-data archives: " + shadowed.get() + " is both in a directory and in a"
                    + " jar of the class path, so the class path keeps its order and the JDK archives nothing from it");
            return classPath;
        }
        List<String> ordered = new ArrayList<>(jars);
        ordered.addAll(directories);
        return String.join(File.pathSeparator, ordered);
    }

    /** A name that is a file in one of the directories and an entry of one of the jars, if any. */
    private static Optional<String> sharedName(List<String> directories, List<String> jars) {
        Set<String> names = new HashSet<>();
        for (String directory : directories) {
            Path root = Path.of(directory);
            try (var files = Files.walk(root)) {
                files.filter(Files::isRegularFile).forEach(f -> names.add(root.relativize(f).toString().replace(File.separatorChar, '/')));
            } catch (IOException | UncheckedIOException e) {
                return Optional.of("an unreadable directory (" + directory + ": " + e.getMessage() + ")");
            }
        }
        names.remove("META-INF/MANIFEST.MF");
        for (String jar : jars) {
            if (!Files.isRegularFile(Path.of(jar))) {
                continue;
            }
            try (ZipFile zip = new ZipFile(jar)) {
                Optional<String> both = zip.stream().map(ZipEntry::getName).filter(names::contains).findFirst();
                if (both.isPresent()) {
                    return Optional.of(both.get() + " (in " + jar + ")");
                }
            } catch (IOException e) {
                return Optional.of("an unreadable jar (" + jar + ": " + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    private static boolean nonEmptyDirectory(Path entry) {
        if (!Files.isDirectory(entry)) {
            return false;
        }
        try (var listing = Files.list(entry)) {
            return listing.findAny().isPresent();
        } catch (IOException e) {
            return true; // unreadable: treated as holding classes, which the JDK would refuse
        }
    }

    private static String classPathOf(List<String> command) {
        int at = command.indexOf("-cp");
        return at < 0 || at + 1 >= command.size() ? "" : command.get(at + 1);
    }

    /**
     * A digest of what an archive depends on: the java binary and the JVM options (the command up
     * to its main class, not the application's arguments, so applications that differ only in
     * those share archives), the archived entries of the class path with each one's size and time,
     * and the names of the directories after them.
     */
    private static String digest(List<String> command) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            int main = command.indexOf(GroupMain.class.getName());
            for (int i = 0; i < (main < 0 ? command.size() : main); i++) {
                sha.update(command.get(i).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                if (command.get(i).equals("-cp") && i + 1 < command.size()) {
                    for (String entry : archivedEntries(command.get(i + 1))) {
                        sha.update(stamp(Path.of(entry)).orElse("-").getBytes(StandardCharsets.UTF_8));
                        sha.update((byte) 0);
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
