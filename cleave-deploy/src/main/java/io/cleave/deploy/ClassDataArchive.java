package io.cleave.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
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
 * A class-data-sharing archive for an application's children, so that a replica the supervisor
 * restarts (after {@code kill -9}, a crash or a failed health check) loads the classes of the JDK,
 * Cleave and the application's libraries already parsed and verified instead of from their jars.
 * Children started while there is no archive list the classes they load (the JDK's
 * {@code -XX:DumpLoadedClassList}, which only appends lines to a file); a moment after every group
 * serves, the supervisor merges its children's lists and has one separate JVM, at the lowest CPU
 * priority, dump a static archive from them ({@code -Xshare:dump}), which later children of every
 * group start from. One archive for all the groups, not one per group: eight groups' dumps at once
 * took 173 s of a loaded 2-core machine (load average 19.5), so restarts long came before their
 * archives. Nothing is dumped inside a serving process: the JDK's in-process dynamic dump
 * ({@code jcmd VM.cds dynamic_dump}), used before, left the process it ran in with a broken
 * lambda-proxy table, and that process crashed (SIGSEGV in
 * {@code LambdaProxyClassDictionary::find_lambda_proxy_class}, JDK 25.0.3) at its next new lambda,
 * seconds later, under load. The archive's name carries a digest of what it depends on (the JDK,
 * the JVM options, every archived jar's size and modification time), so a rebuilt application or a
 * new JDK gets a new archive instead of a stale one.
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

    /** The option that makes the JDK list the classes a process loads, and where. */
    static final String CLASS_LIST_OPTION = "-XX:DumpLoadedClassList=";
    /** How long the children serve before their lists are merged: their first calls load classes worth keeping. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** How long the dumping JVM may take before it is given up. */
    private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(5);
    private static final String CLASS_LIST = ".classlist";
    /** How many archives of a directory are kept, however long unused. */
    static final int KEEP = 3;
    /** How recently used an archive beyond those is kept. */
    static final Duration IN_USE = Duration.ofHours(1);

    private static final System.Logger LOG = System.getLogger("cleave.multi");

    private ClassDataArchive() {
    }

    /**
     * The archive of children run with {@code command}, named for what it depends on; empty when
     * their class path starts with a directory, which the JDK would refuse.
     *
     * @param archives where the archives go
     * @param command the children's command line without the per-slot options
     */
    static Optional<Path> archive(Path archives, List<String> command) {
        if (archivedEntries(classPathOf(command)).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(archives.resolve("classes-" + digest(command) + ".jsa"));
    }

    /**
     * The options that make a child start from {@code archive}, or list the classes it loads,
     * for the archive to be written from, when there is none yet.
     *
     * @param launch unique among the launches of the children of all supervisors sharing the
     *        archive's directory, and starting with {@link #launches this supervisor's prefix}
     * @return JVM options to add before the main class
     */
    static List<String> options(Path archive, String launch) {
        if (Files.isRegularFile(archive)) {
            deleteLeftovers(archive);
            try {
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now())); // used: see pruneOthers
            } catch (IOException e) {
                // a directory this user cannot write: the archive is used all the same
            }
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        try {
            Files.createDirectories(archive.getParent()); // the JDK does not create the class list's directory
        } catch (IOException e) {
            return List.of(); // write says why, once
        }
        return List.of(CLASS_LIST_OPTION + archive.resolveSibling(archive.getFileName() + "." + launch + CLASS_LIST));
    }

    /** The prefix of the launch names of this process's children: its pid. */
    static String launches() {
        return ProcessHandle.current().pid() + "-";
    }

    /**
     * Writes {@code archive} from the class lists of this process's children (their complete
     * lines, merged), with a separate JVM run with the children's options and the archived jars
     * of their class path, to a temporary file renamed into place, so a process killed while
     * writing leaves no broken archive. Returns at once when another process writes it or wrote
     * it. Interrupted, ends the dumping JVM.
     *
     * @param command the children's command line without the per-slot options
     * @return whether this call wrote the archive
     * @throws IOException naming why there is no archive
     */
    static boolean write(Path archive, List<String> command) throws IOException, InterruptedException {
        Path lock = archive.resolveSibling(archive.getFileName() + ".lock");
        Path merged = archive.resolveSibling(archive.getFileName() + "." + launches() + "merged");
        Path temporary = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Path dumpLog = archive.resolveSibling(archive.getFileName() + ".dump.log");
        if (!lock(lock)) {
            return false; // another supervisor writes it
        }
        Process process = null;
        try {
            if (Files.exists(archive)) {
                return false;
            }
            List<Path> lists = classLists(archive, archive.getFileName() + "." + launches());
            if (lists.isEmpty()) {
                throw new IOException("no child listed the classes it loaded in " + archive.getParent());
            }
            Files.write(merged, ClassLists.merge(lists));
            process = new ProcessBuilder(dumpCommand(command, merged, temporary)).redirectErrorStream(true)
                    .redirectOutput(dumpLog.toFile()).start();
            if (!process.waitFor(DUMP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the dump took over " + DUMP_TIMEOUT.toMinutes() + " minutes");
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(temporary)) {
                throw new IOException("the dump exited with " + process.exitValue() + "; see " + dumpLog);
            }
            Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            deleteQuietly(dumpLog);
            deleteLeftovers(archive);
            pruneOthers(archive);
            return true;
        } catch (InterruptedException e) {
            deleteQuietly(dumpLog); // stopped, not failed: nothing to read in it
            throw e;
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            deleteQuietly(merged);
            deleteQuietly(temporary);
            deleteQuietly(lock);
        }
    }

    /** The class lists in the archive's directory whose names start with {@code prefix}. */
    private static List<Path> classLists(Path archive, String prefix) throws IOException {
        try (var files = Files.list(archive.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(CLASS_LIST))
                    .sorted().toList();
        }
    }

    /**
     * Takes the archive's dump lock: one supervisor dumps, others sharing the directory leave it.
     * The lock file holds its taker's pid; a lock whose taker is gone (killed while dumping), or
     * older than twice the dump's timeout, is taken over.
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

    /**
     * Deletes the archives of earlier builds or JVM options from the archive's directory (each new
     * build of an application gets a new one, of tens of megabytes): an archive is kept while it
     * is one of the {@value #KEEP} last used (a child started from it: its modification time), or
     * was used within {@link #IN_USE} — several applications may share the directory.
     */
    static void pruneOthers(Path archive) {
        Instant unused = Instant.now().minus(IN_USE);
        try (var files = Files.list(archive.getParent())) {
            List<Path> others = files.filter(f -> !f.equals(archive) && f.getFileName().toString().startsWith("classes-")
                    && f.getFileName().toString().endsWith(".jsa")).sorted(java.util.Comparator.comparing(
                            ClassDataArchive::lastUsed).reversed()).toList();
            others.stream().skip(KEEP - 1).filter(f -> lastUsed(f).isBefore(unused)).forEach(f -> {
                deleteQuietly(f);
                deleteLeftovers(f);
            });
        } catch (IOException | UncheckedIOException e) {
            // nothing to tidy
        }
    }

    private static Instant lastUsed(Path archive) {
        try {
            return Files.getLastModifiedTime(archive).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /** Deletes the class lists of this process's children (gone: nothing will merge them). */
    static void forgetClassLists(Path archive) {
        try {
            classLists(archive, archive.getFileName() + "." + launches()).forEach(ClassDataArchive::deleteQuietly);
        } catch (IOException e) {
            // nothing to tidy
        }
    }

    /**
     * What was left for the archive: once it is written, nothing reads the class lists, and the
     * merged list or temporary file of a supervisor killed while it dumped is no use either.
     * Only the lock is left alone: its holder wrote the archive and lets it go.
     */
    private static void deleteLeftovers(Path archive) {
        String prefix = archive.getFileName() + ".";
        try (var files = Files.list(archive.getParent())) {
            files.filter(f -> f.getFileName().toString().startsWith(prefix) && !f.getFileName().toString().endsWith(".lock"))
                    .forEach(ClassDataArchive::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // nothing to tidy
        }
    }

    /**
     * A JVM with the children's options (their system properties aside) that dumps a static
     * archive of {@code classList} from the archived jars of their class path.
     */
    static List<String> dumpCommand(List<String> command, Path classList, Path archive) {
        List<String> dump = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
            dump.addAll(List.of("/usr/bin/nice", "-n", "19")); // in the background of the processes that serve
        }
        int main = command.indexOf(GroupMain.class.getName());
        dump.add(command.get(0));
        for (int i = 1; i < (main < 0 ? command.size() : main); i++) {
            String option = command.get(i);
            if (option.equals("-cp")) {
                i++; // and its value
            } else if (!option.startsWith("-D") && !option.startsWith("-Xshare") && !option.startsWith("-XX:SharedArchiveFile")
                    && !option.startsWith(CLASS_LIST_OPTION)) {
                dump.add(option);
            }
        }
        dump.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + archive,
                "-cp", String.join(File.pathSeparator, archivedEntries(classPathOf(command)))));
        return dump;
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
     * The class path to give children: {@code classPath} without the entries no file is at (the
     * JDK refuses to dump an archive with them), with its non-empty directories moved after its
     * jars (each kind in its order), so that an archive can hold the jars, when no file in a
     * directory has the name of an entry of a jar (a jar's manifest aside) — then every class and
     * resource resolves as before, {@code META-INF/services} files included. Otherwise, or
     * without directories, in its order.
     */
    static String childClassPath(String classPath) {
        List<String> jars = new ArrayList<>();
        List<String> directories = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                return classPath; // the working directory, whatever it holds: left where it is
            }
            if (!entry.contains("*") && !Files.exists(Path.of(entry))) {
                missing.add(entry); // holds no class; the JDK would refuse to dump an archive with it
            } else {
                (nonEmptyDirectory(Path.of(entry)) ? directories : jars).add(entry);
            }
        }
        if (!missing.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "left out of the children's class path, as no such file exists: " + missing);
            classPath = String.join(File.pathSeparator, java.util.Arrays.stream(classPath.split(File.pathSeparator))
                    .filter(e -> !missing.contains(e)).toList());
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
