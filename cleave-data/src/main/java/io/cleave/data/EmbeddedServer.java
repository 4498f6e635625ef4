package io.cleave.data;

import io.cleave.StartupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL server of one data directory, as its owner sees it: the process that
 * deploys the application starts it (or adopts the one a killed predecessor left running),
 * restarts it if it dies, gives each component a role of its own, and stops it when the
 * application stops. Other processes of the application only connect to it
 * ({@link ClusterFiles#endpoint}).
 *
 * <p>It is an ordinary PostgreSQL server with its defaults for durability ({@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} on): a transaction is acknowledged
 * only once it is in the write-ahead log on disk, so no committed transaction is lost when any
 * process, the server's included, is killed. It listens on 127.0.0.1 only and accepts only
 * password authentication ({@code scram-sha-256}).
 */
final class EmbeddedServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("cleave.data");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    static final String SUPERUSER = "cleave";

    private final ClusterFiles files;
    private final PostgresBinaries binaries;
    private final FileChannel ownerChannel;
    private final FileLock ownerLock;
    private final Object lock = new Object();
    private ProcessHandle server;
    private boolean closed;

    private EmbeddedServer(ClusterFiles files, PostgresBinaries binaries, FileChannel ownerChannel, FileLock ownerLock) {
        this.files = files;
        this.binaries = binaries;
        this.ownerChannel = ownerChannel;
        this.ownerLock = ownerLock;
    }

    /**
     * Takes ownership of the data directory's server: initializes the cluster on first use,
     * adopts a server that is already running there or starts one, and watches it.
     *
     * @param files the data directory's cluster files
     * @param database the database the application's components use, created if missing
     * @throws StartupException if another running application owns the directory, or the
     *     server cannot be initialized or started; the message names the log to read
     */
    static EmbeddedServer own(ClusterFiles files, String database) {
        FileChannel channel = null;
        FileLock owner;
        try {
            Files.createDirectories(files.root());
            ClusterFiles.restrictToOwner(files.root());
            channel = FileChannel.open(files.ownerLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            try {
                owner = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                owner = null;
            }
            if (owner == null) {
                String holder = Files.readString(files.ownerLock(), StandardCharsets.UTF_8).strip();
                channel.close();
                throw new StartupException("the data directory " + files.dataDirectory() + " is in use by another running"
                        + " Cleave application" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it first, or give this one another [app] data-dir");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot use " + files.root() + " for the embedded PostgreSQL server: " + e.getMessage(), e);
        }
        EmbeddedServer s = new EmbeddedServer(files, null, channel, owner);
        try {
            s = new EmbeddedServer(files, PostgresBinaries.forThisPlatform(), channel, owner);
            s.initializeIfNew();
            s.startOrAdopt();
            s.createDatabase(database);
            return s;
        } catch (RuntimeException | Error e) {
            s.release();
            throw e;
        }
    }

    /** The server's port, for connections. */
    int port() {
        return files.read().port();
    }

    // ---- the cluster ------------------------------------------------------------------------

    private void initializeIfNew() {
        if (Files.exists(files.cluster().resolve("PG_VERSION"))) {
            return;
        }
        try {
            PostgresBinaries.deleteTree(files.cluster()); // what an initdb killed halfway left
            String password = ClusterFiles.newSecret();
            Path passwordFile = files.root().resolve("initdb.password");
            ClusterFiles.writeOwnerOnly(passwordFile, password + "\n");
            try {
                List<String> command = new ArrayList<>(asServerUser());
                command.addAll(List.of(binaries.program("initdb").toString(), "-D", files.cluster().toString(),
                        "-U", SUPERUSER, "--pwfile=" + passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale",
                        "--no-instructions"));
                run(command, "initialize the cluster (initdb)");
            } finally {
                Files.deleteIfExists(passwordFile);
            }
            files.update(p -> p.setProperty(ClusterFiles.SUPERUSER_PASSWORD, password));
        } catch (IOException e) {
            throw new StartupException("cannot initialize the embedded PostgreSQL cluster in " + files.cluster() + ": "
                    + e.getMessage(), e);
        }
    }

    private void startOrAdopt() {
        synchronized (lock) {
            Optional<ProcessHandle> running = runningServer();
            if (running.isPresent()) {
                server = running.get();
                int port = pidFilePort().orElse(files.read().port());
                if (port != files.read().port()) {
                    files.update(p -> p.setProperty(ClusterFiles.PORT, Integer.toString(port)));
                }
                awaitReady(server);
                LOG.log(System.Logger.Level.INFO, "embedded PostgreSQL server (pid " + server.pid() + ") already runs for "
                        + files.dataDirectory() + " on 127.0.0.1:" + port + "; using it");
            } else {
                server = start();
            }
            watch(server);
        }
    }

    /** The server that runs on this cluster now, per its lock file, if any. */
    private Optional<ProcessHandle> runningServer() {
        Path pidFile = files.cluster().resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.get(0).strip().matches("[0-9]{1,10}")) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
        return handle.filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(true));
    }

    private Optional<Integer> pidFilePort() {
        try {
            List<String> lines = Files.readAllLines(files.cluster().resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.size() > 3 && lines.get(3).strip().matches("[0-9]{1,5}")
                    ? Optional.of(Integer.parseInt(lines.get(3).strip())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private ProcessHandle start() {
        int port = freePort(files.read().port());
        files.update(p -> p.setProperty(ClusterFiles.PORT, Integer.toString(port)));
        List<String> command = new ArrayList<>(asServerUser());
        command.addAll(List.of(binaries.program("postgres").toString(), "-D", files.cluster().toString(),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "port=" + port,
                "-c", "unix_socket_directories=",
                "-c", "max_connections=300",
                "-c", "shared_buffers=32MB",
                "-c", "fsync=on",
                "-c", "synchronous_commit=on",
                "-c", "full_page_writes=on",
                "-c", "timezone=UTC",
                "-c", "log_timezone=UTC",
                "-c", "password_encryption=scram-sha-256"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StartupException("cannot start the embedded PostgreSQL server (" + binaries.program("postgres") + "): "
                    + e.getMessage(), e);
        }
        ProcessHandle handle = process.toHandle();
        awaitReady(handle);
        LOG.log(System.Logger.Level.INFO, "embedded PostgreSQL server (pid " + handle.pid() + ") serves "
                + files.dataDirectory() + " on 127.0.0.1:" + port);
        return handle;
    }

    /** Waits until the server accepts connections: its lock file says ready and a query answers. */
    private void awaitReady(ProcessHandle handle) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!handle.isAlive()) {
                throw new StartupException("the embedded PostgreSQL server for " + files.dataDirectory()
                        + " exited while starting: " + files.logTail() + " (whole log: " + files.log() + ")");
            }
            if (lockFileSaysReady()) {
                try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
                    s.execute("select 1");
                    return;
                } catch (SQLException e) {
                    last = e;
                }
            }
            pause(Duration.ofMillis(20));
        }
        throw new StartupException("the embedded PostgreSQL server for " + files.dataDirectory() + " was not ready within "
                + START_TIMEOUT.toSeconds() + " s" + (last == null ? "" : " (" + last.getMessage() + ")") + "; see " + files.log());
    }

    private boolean lockFileSaysReady() {
        try {
            List<String> lines = Files.readAllLines(files.cluster().resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.size() > 7 && lines.get(7).strip().equals("ready");
        } catch (IOException e) {
            return false;
        }
    }

    /** A connection as the superuser, for setting up databases and roles. */
    Connection superuser(String database) throws SQLException {
        ClusterFiles.Endpoint endpoint = files.read();
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", endpoint.superuserPassword());
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(endpoint.url(database), props);
    }

    private void createDatabase(String database) {
        try (Connection c = superuser("postgres")) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement s = c.createStatement()) {
                    s.execute("create database " + quote(database));
                    s.execute("revoke all on database " + quote(database) + " from public");
                }
            }
            files.update(p -> p.setProperty(ClusterFiles.DATABASE, database));
        } catch (SQLException e) {
            throw new StartupException("cannot create database " + database + " in the embedded PostgreSQL server: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Gives a component a login role named like its schema, owning that schema and allowed to
     * connect to the database, with a random password recorded for the application's processes.
     * No other grant: the role cannot read or change another component's schema.
     *
     * @param schema the component's schema, also the role's name
     */
    void grantOwnSchema(String schema) {
        String database = files.read().database();
        try (Connection c = superuser(database)) {
            String password = files.read().rolePassword(schema).orElse(null);
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            try (Statement s = c.createStatement()) {
                if (!exists || password == null) {
                    String fresh = ClusterFiles.newSecret();
                    s.execute((exists ? "alter role " : "create role ") + quote(schema) + " login password '" + fresh + "'");
                    files.update(p -> p.setProperty(ClusterFiles.ROLE_PREFIX + schema, fresh));
                }
                s.execute("grant connect on database " + quote(database) + " to " + quote(schema));
                s.execute("create schema if not exists " + quote(schema) + " authorization " + quote(schema));
                s.execute("alter schema " + quote(schema) + " owner to " + quote(schema));
            }
        } catch (SQLException e) {
            throw new StartupException("cannot create the role of schema " + schema + " in the embedded PostgreSQL server: "
                    + e.getMessage(), e);
        }
    }

    // ---- watching and stopping -----------------------------------------------------------------

    /** Restarts the server whenever it exits until this owner closes. */
    private void watch(ProcessHandle handle) {
        handle.onExit().thenRunAsync(() -> restartAfterExit(handle), task -> Thread.ofVirtual().name("cleave-postgres-watch").start(task));
    }

    private void restartAfterExit(ProcessHandle exited) {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            synchronized (lock) {
                if (closed || server != exited) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "embedded PostgreSQL server (pid " + exited.pid() + ") for "
                        + files.dataDirectory() + " exited; restarting it");
                try {
                    server = runningServer().orElseGet(this::start);
                    watch(server);
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cannot restart the embedded PostgreSQL server for "
                            + files.dataDirectory() + "; trying again in " + backoff.toMillis() + " ms: " + e.getMessage());
                }
            }
            pause(backoff);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
        }
    }

    /** Stops the server (fast shutdown: open transactions roll back, the log is flushed) and gives up ownership. */
    @Override
    public void close() {
        ProcessHandle handle;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            handle = server;
        }
        try {
            if (handle != null && handle.isAlive()) {
                List<String> command = new ArrayList<>(asServerUser());
                command.addAll(List.of(binaries.program("pg_ctl").toString(), "stop", "-D", files.cluster().toString(),
                        "-m", "fast", "-w", "-t", Long.toString(STOP_TIMEOUT.toSeconds())));
                try {
                    run(command, "stop the server (pg_ctl stop)");
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; killing it");
                    handle.destroyForcibly();
                }
                handle.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "the embedded PostgreSQL server for " + files.dataDirectory()
                    + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        } finally {
            release();
        }
    }

    private void release() {
        try {
            ownerLock.release();
        } catch (IOException e) {
            // the channel closes below, which releases it too
        }
        closeQuietly(ownerChannel);
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * PostgreSQL refuses to run as root. As root, its programs run in a user namespace where
     * this user is mapped to an unprivileged one: the files stay this user's, no other account
     * is involved.
     */
    private static List<String> asServerUser() {
        if (!isRoot()) {
            return List.of();
        }
        for (String candidate : List.of("/usr/bin/unshare", "/bin/unshare")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return List.of(candidate, "--user", "--map-user=65534", "--map-group=65534");
            }
        }
        throw new StartupException("the embedded PostgreSQL server cannot run as root, and unshare (util-linux), which"
                + " would run it as an unprivileged user, is not installed; run the application as another user, install"
                + " util-linux, or set [data] url to a PostgreSQL server");
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private void run(List<String> command, String what) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new StartupException("the embedded PostgreSQL server: could not " + what + " within "
                        + START_TIMEOUT.toSeconds() + " s; see " + files.log());
            }
            if (p.exitValue() != 0) {
                throw new StartupException("the embedded PostgreSQL server: could not " + what + " (exit " + p.exitValue()
                        + "): " + files.logTail() + " (whole log: " + files.log() + ")");
            }
        } catch (IOException e) {
            throw new StartupException("the embedded PostgreSQL server: could not " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("the embedded PostgreSQL server: interrupted while trying to " + what, e);
        }
    }

    /** The port the server used before if it is free, else any free one on loopback. */
    @SuppressWarnings("try") // the socket only proves the port is free
    private static int freePort(int preferred) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (preferred > 0) {
            try (ServerSocket s = new ServerSocket(preferred, 1, loopback)) {
                return preferred;
            } catch (IOException e) {
                // taken: pick another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for the embedded PostgreSQL server", e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // nothing more to do
        }
    }

    @Override
    public String toString() {
        return "EmbeddedServer[" + files.dataDirectory() + "]";
    }
}
