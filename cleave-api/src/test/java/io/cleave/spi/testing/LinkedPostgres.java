package io.cleave.spi.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of the machine's (the binaries under {@code /usr/lib/postgresql}) for tests
 * that cut a process off from its database ({@link Namespaces}): run as the {@code postgres} user
 * on a free port of 127.0.0.1 and of the server's end of a link, trusting the far end's address;
 * {@code fsync} off. The test's own process reaches it on 127.0.0.1, a process in the namespace on
 * the link, which the test cuts and restores. The caller needs a JDBC driver for PostgreSQL.
 */
public final class LinkedPostgres implements AutoCloseable {

    private final Process server;
    private final int port;

    private LinkedPostgres(Process server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Initialises a cluster in {@code directory} and starts it; skips the test, loudly, where the
     * machine has no PostgreSQL binaries, and fails it under {@code CI=true}.
     *
     * @param test the test's name, for the message
     * @param directory where the cluster and its log ({@code postgres.log}) go; handed to the postgres user
     * @param serverAddress the server's end of the link, listened on besides 127.0.0.1
     * @param clientNamespace the namespace at the link's far end
     * @param clientAddress the far end's address, trusted
     * @return the running server, accepting connections on 127.0.0.1 and from the far end
     * @throws IOException if it cannot be initialised or does not accept connections within a minute
     */
    public static LinkedPostgres startOrSkip(String test, Path directory, String serverAddress, String clientNamespace,
            String clientAddress) throws IOException {
        List<Path> binaries = binaries();
        if (binaries.isEmpty()) {
            String why = "no PostgreSQL server binaries under /usr/lib/postgresql";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true, and " + why);
            }
            System.err.println("\n*** SKIPPING " + test + ": " + why + " ***\n");
            Assumptions.abort(why);
        }
        Path bin = binaries.get(0);
        Path data = Files.createDirectories(directory.resolve("pg"));
        Namespaces.run("chown", "-R", "postgres", directory.toString());
        Namespaces.run("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust",
                "-U", "postgres", "--no-instructions");
        Files.writeString(data.resolve("pg_hba.conf"), "host all all " + clientAddress + "/32 trust\n", StandardOpenOption.APPEND);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(List.of("runuser", "-u", "postgres", "--", bin.resolve("postgres").toString(), "-D",
                data.toString(), "-c", "listen_addresses=127.0.0.1," + serverAddress, "-c", "port=" + port,
                "-c", "unix_socket_directories=", "-c", "fsync=off"))
                .redirectErrorStream(true).redirectOutput(directory.resolve("postgres.log").toFile()).start();
        LinkedPostgres postgres = new LinkedPostgres(server, port);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!postgres.accepts()) {
            if (!server.isAlive() || System.nanoTime() - deadline > 0) {
                postgres.close();
                throw new IOException("the PostgreSQL server did not accept connections within a minute; see "
                        + directory.resolve("postgres.log"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the PostgreSQL server started", e);
            }
        }
        try {
            Namespaces.awaitReachable(clientNamespace, serverAddress, port);
        } catch (IOException e) {
            postgres.close();
            throw new IOException(e.getMessage() + "; the server's log:\n" + Files.readString(directory.resolve("postgres.log")), e);
        }
        return postgres;
    }

    /** @return its port, on 127.0.0.1 and on the link */
    public int port() {
        return port;
    }

    /**
     * A connection of the test's own, as the superuser, over 127.0.0.1.
     *
     * @return the connection
     * @throws SQLException if the server does not answer
     */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
    }

    /**
     * @param address a client's address
     * @return the advisory locks the server holds for sessions from it
     */
    public int advisoryLocksOf(String address) {
        return count("select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                + " where l.locktype = 'advisory' and l.granted and host(a.client_addr) = '" + address + "'");
    }

    /**
     * @param address a client's address
     * @return the sessions the server has from it
     */
    public int sessionsOf(String address) {
        return count("select count(*) from pg_stat_activity where host(client_addr) = '" + address + "'");
    }

    private boolean accepts() {
        try (Connection c = admin()) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private int count(String query) {
        try (Connection c = admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(query + ": " + e.getMessage(), e);
        }
    }

    /** Stops it: a smart shutdown (SIGTERM), forced after 30 s. */
    @Override
    public void close() {
        server.destroy();
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    private static List<Path> binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (var versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres"))
                    && Files.isExecutable(b.resolve("initdb"))).sorted().toList().reversed();
        }
    }
}
