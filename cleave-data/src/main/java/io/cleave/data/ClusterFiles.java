package io.cleave.data;

import io.cleave.StartupException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Where the embedded PostgreSQL server of a data directory keeps its files, under
 * {@code <data directory>/postgres/}: the cluster ({@code cluster/}), the server's log
 * ({@code server.log}), the owner's lock ({@code owner.lock}) and {@code cleave.properties}, which
 * tells every process of the application where the server listens and each component's
 * password. The directory and the properties are readable by their owner only.
 *
 * @param dataDirectory the application's data directory
 */
record ClusterFiles(Path dataDirectory) {

    static final String DIRECTORY = "postgres";
    static final String PORT = "port";
    static final String DATABASE = "database";
    static final String SUPERUSER_PASSWORD = "superuser.password";
    static final String ROLE_PREFIX = "role.";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    ClusterFiles {
        dataDirectory = dataDirectory.toAbsolutePath().normalize();
    }

    Path root() {
        return dataDirectory.resolve(DIRECTORY);
    }

    Path cluster() {
        return root().resolve("cluster");
    }

    Path log() {
        return root().resolve("server.log");
    }

    Path ownerLock() {
        return root().resolve("owner.lock");
    }

    Path properties() {
        return root().resolve("cleave.properties");
    }

    /**
     * Where the server is and how to log in, as the owner last recorded it.
     *
     * @param port the port on 127.0.0.1
     * @param database the application's database
     * @param superuserPassword the owner's password
     * @param all every recorded property, for the components' passwords
     */
    record Endpoint(int port, String database, String superuserPassword, Properties all) {

        String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        Optional<String> rolePassword(String role) {
            return Optional.ofNullable(all.getProperty(ROLE_PREFIX + role));
        }
    }

    /** @return what is recorded; a property not yet written reads as 0 or empty */
    Endpoint read() {
        Properties p = load();
        String port = p.getProperty(PORT, "0");
        return new Endpoint(port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : 0, p.getProperty(DATABASE, ""),
                p.getProperty(SUPERUSER_PASSWORD, ""), p);
    }

    /**
     * Where a process that does not own the server connects, with a component's credentials.
     *
     * @throws StartupException if no server was prepared in this data directory
     */
    Endpoint endpoint(String component) {
        Endpoint e = read();
        if (e.port() == 0 || e.database().isEmpty()) {
            throw new StartupException("component " + component + ": no embedded PostgreSQL server was prepared in "
                    + dataDirectory + "; the process that deploys the application starts it (start the application"
                    + " with Cleave.run or the cleave command, not a part of it alone)");
        }
        return e;
    }

    private Properties load() {
        Properties p = new Properties();
        if (!Files.exists(properties())) {
            return p;
        }
        try (Reader in = Files.newBufferedReader(properties(), StandardCharsets.UTF_8)) {
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + properties(), e);
        }
    }

    /** Changes the properties; only the owner writes them, replacing the file in one step. */
    synchronized void update(Consumer<Properties> change) {
        Properties p = load();
        change.accept(p);
        StringWriter text = new StringWriter();
        try {
            p.store(text, "the embedded PostgreSQL server of this data directory; written by Cleave, keep private");
            writeOwnerOnly(properties(), text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + properties(), e);
        }
    }

    /** The last lines of the server's log, for messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static String newSecret() {
        char[] secret = new char[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(secret);
    }

    /** Writes a file only its owner can read, replacing any file there in one step. */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void restrictToOwner(Path directory) throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }
}
