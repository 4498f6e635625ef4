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
 * that cut a process off from its database, with the network namespace that process runs in
 * ({@link Namespaces}): the namespace is joined to the test's own by a veth pair, and the server,
 * run as the {@code postgres} user with {@code fsync} off, listens on a free port of 127.0.0.1 and
 * of its end of the pair, trusting the namespace's address. The test's own process reaches it on
 * 127.0.0.1, a process in the namespace over the link, which the test cuts and restores
 * ({@link #setLink}). Closing it stops the server and deletes the namespace. The caller needs a
 * JDBC driver for PostgreSQL.
 */
public final class LinkedPostgres implements AutoCloseable {

    private final String namespace;
    private Process server;
    private int port;

    private LinkedPostgres(String namespace) {
        this.namespace = namespace;
    }

    /**
     * Makes the namespace and its link, initialises a cluster in {@code directory} and starts it;
     * skips the test, loudly, where no namespace can be made or the machine has no PostgreSQL
     * binaries, and fails it under {@code CI=true}.
     *
     * @param test the test's name, for the message
     * @param directory where the cluster and its log ({@code postgres.log}) go; handed to the postgres user
     * @param namespace the namespace to make, at most 12 characters: its link's ends are named after it
     * @param serverAddress the server's end of the link (in the test's namespace), listened on besides 127.0.0.1
     * @param clientAddress the namespace's end of the link, trusted
     * @return the running server, accepting connections on 127.0.0.1 and from the namespace
     * @throws IOException if the link cannot be made, or the server cannot be initialised or does
     *     not accept connections within a minute; the namespace is deleted then
     */
    public static LinkedPostgres startOrSkip(String test, Path directory, String namespace, String serverAddress,
            String clientAddress) throws IOException {
        if (namespace.length() > 12) {
            throw new IllegalArgumentException("namespace " + namespace + ": at most 12 characters (its link's ends add 2)");
        }
        List<Path> binaries = binaries();
        if (binaries.isEmpty()) {
            String why = "no PostgreSQL server binaries under /usr/lib/postgresql";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true, and " + why);
            }
            System.err.println("\n*** SKIPPING " + test + ": " + why + " ***\n");
            Assumptions.abort(why);
        }
        Namespaces.addOrSkip(test, namespace);
        LinkedPostgres postgres = new LinkedPostgres(namespace);
        try {
            Namespaces.link(null, namespace + "-s", serverAddress, namespace, namespace + "-h", clientAddress);
            postgres.start(binaries.get(0), directory, serverAddress, clientAddress);
            return postgres;
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    private void start(Path bin, Path directory, String serverAddress, String clientAddress) throws IOException {
        Path data = Files.createDirectories(directory.resolve("pg"));
        Namespaces.run("chown", "-R", "postgres", directory.toString());
        Namespaces.run("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust",
                "-U", "postgres", "--no-instructions");
        Files.writeString(data.resolve("pg_hba.conf"), "host all all " + clientAddress + "/32 trust\n", StandardOpenOption.APPEND);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        server = new ProcessBuilder(List.of("runuser", "-u", "postgres", "--", bin.resolve("postgres").toString(), "-D",
                data.toString(), "-c", "listen_addresses=127.0.0.1," + serverAddress, "-c", "port=" + port,
                "-c", "unix_socket_directories=", "-c", "fsync=off"))
                .redirectErrorStream(true).redirectOutput(directory.resolve("postgres.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!accepts()) {
            if (!server.isAlive() || System.nanoTime() - deadline > 0) {
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
            Namespaces.awaitReachable(namespace, serverAddress, port);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; the server's log:\n" + Files.readString(directory.resolve("postgres.log")), e);
        }
    }

    /**
     * Takes the namespace's end of the link down or up again: down, what is sent over it vanishes
     * and nothing is closed, as when a cable is pulled.
     *
     * @param up whether to take it up (else down)
     * @throws IOException if the command fails
     */
    public void setLink(boolean up) throws IOException {
        Namespaces.setLink(namespace, namespace + "-h", up);
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

    /**
     * Stops the server (a smart shutdown, SIGTERM, forced after 30 s) and deletes the namespace,
     * which takes the link along. End the processes in the namespace first.
     */
    @Override
    public void close() {
        try {
            if (server != null) {
                stop(server);
            }
        } finally {
            Namespaces.delete(namespace);
        }
    }

    private static void stop(Process server) {
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
