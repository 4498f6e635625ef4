package io.cleave.deploy;

import io.cleave.StartupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code <state-dir>/<app>/supervisor.json}: how tools find a running supervisor. Written
 * atomically when the supervisor starts, deleted when it stops; left behind only when the
 * supervisor was killed, which readers detect from its pid.
 *
 * <pre>{@code {"application":"hello","pid":4242,"statusPort":39113,"log":"/srv/.cleave/hello/cleave.log","startedAt":"...","secret":"..."}}</pre>
 *
 * Readable by the user who started the supervisor only: its secret lets a process ask for the status.
 */
final class StateFile {

    static final String NAME = "supervisor.json";

    /**
     * What the file says.
     *
     * @param application the application's name
     * @param pid the supervisor's process id
     * @param statusPort where it answers {@code STATUS} on 127.0.0.1
     * @param log the consolidated log
     * @param startedAt when it started
     * @param secret what a status request must carry
     */
    record Contents(String application, long pid, int statusPort, Path log, Instant startedAt, String secret) {

        boolean alive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    private final Path path;

    StateFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** @throws StartupException if a live supervisor of the same application owns this directory */
    void refuseIfAnotherSupervisorRuns(String application) {
        Optional<Contents> existing;
        try {
            existing = read();
        } catch (IOException | IllegalArgumentException e) {
            return; // unreadable: a leftover; it is overwritten
        }
        if (existing.isPresent() && existing.get().alive() && existing.get().pid() != ProcessHandle.current().pid()) {
            throw new StartupException("deployer multi: a supervisor of " + application + " already runs (pid "
                    + existing.get().pid() + ", " + path + "); stop it first, or give this one another [multi] state-dir");
        }
    }

    /** Writes the file readable by its owner only, from the moment it exists: it holds the status secret. */
    void write(String application, long pid, int statusPort, Path log, Instant startedAt, String secret) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("application", application);
        m.put("pid", pid);
        m.put("statusPort", statusPort);
        m.put("log", log.toAbsolutePath().toString());
        m.put("startedAt", startedAt.toString());
        m.put("secret", secret);
        Path temp = path.resolveSibling(NAME + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        }
        Files.writeString(temp, Json.write(m) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * @return the contents, empty if there is no file
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a state file
     */
    Optional<Contents> read() throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            Map<?, ?> m = (Map<?, ?>) Json.parse(text);
            return Optional.of(new Contents((String) m.get("application"), (Long) m.get("pid"),
                    ((Long) m.get("statusPort")).intValue(), Path.of((String) m.get("log")),
                    Instant.parse((String) m.get("startedAt")), m.get("secret") instanceof String secret ? secret : ""));
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(path + " is not a supervisor state file: " + e.getMessage(), e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.err.println("cleave: cannot delete " + path + ": " + e.getMessage());
        }
    }
}
