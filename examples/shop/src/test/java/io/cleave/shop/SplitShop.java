package io.cleave.shop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.deploy.MultiTestTopology;
import io.cleave.shop.storefront.Storefront;
import io.cleave.spi.ListenFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The shop split into processes as {@code ./shop --services} runs it ({@link ShopSettings#CONFIG}),
 * started by a test that then kills its processes: the supervisor runs in the test's JVM, the
 * storefront on a fixed port (so a restarted storefront is reached at the same address), state
 * and data in the test's directory. Finds the processes the way {@code cleave status} does,
 * through the supervisor's status port.
 */
final class SplitShop implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final App app;
    private final Path stateDir;
    private final Path dataDir;
    private final Optional<PostgresDatabase> database;
    private final ShopClient client;

    private SplitShop(App app, Path stateDir, Path dataDir, Optional<PostgresDatabase> database, int port) {
        this.app = app;
        this.stateDir = stateDir;
        this.dataDir = dataDir;
        this.database = database;
        this.client = new ShopClient(java.net.URI.create("http://127.0.0.1:" + port + "/"));
    }

    /**
     * A free loopback port for the shop's public listener, below this machine's ephemeral range: the
     * gateway listens on it again after every restart, and a port inside the range can meanwhile be
     * given to any outgoing connection as its local end (a pooled database connection holds it for
     * the rest of the test, and the gateway cannot come back).
     */
    @SuppressWarnings("try") // the socket only proves the port is free
    static int listenPort() throws IOException {
        int below = ListenFailure.ephemeralRange().map(range -> range[0]).orElse(32768); // Linux's default elsewhere
        int from = Math.max(1024, below - 12_000);
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(from, below);
            try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return candidate;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IOException("no free loopback port in " + from + "-" + (below - 1) + " after 100 tries");
    }

    /**
     * Starts the split shop.
     *
     * @param directory where state and data go
     * @param database PostgreSQL for every component, or empty for the embedded server
     * @param settings overrides on top of {@link ShopSettings#FAST}
     */
    static SplitShop start(Path directory, Optional<PostgresDatabase> database, Map<String, String> settings) throws IOException {
        int port = listenPort();
        Path stateDir = Files.createDirectories(directory.resolve("state"));
        Path dataDir = Files.createDirectories(directory.resolve("data"));
        Map<String, String> all = new LinkedHashMap<>(ShopSettings.FAST);
        all.put("listeners.web", "127.0.0.1:" + port);
        all.put("app.data-dir", quoted(dataDir));
        all.put("multi.state-dir", quoted(stateDir));
        all.put("multi.class-data-dir", quoted(Path.of("target", MultiTestTopology.CLASS_DATA))); // shared by the test classes
        database.ifPresent(db -> all.putAll(db.settings()));
        all.putAll(settings);
        Cleave.Builder builder = Cleave.app().config(Path.of(ShopSettings.CONFIG)).deployer("multi");
        all.forEach(builder::set);
        App app = builder.start();
        return new SplitShop(app, stateDir, dataDir, database, port);
    }

    private static String quoted(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\") + "\"";
    }

    ShopClient client() {
        return client;
    }

    App app() {
        return app;
    }

    Storefront storefront() {
        return app.component(Storefront.class);
    }

    /** The supervisor's log so far ({@code cleave logs}): every process's lines, each tagged. */
    List<String> log() {
        try {
            return Files.readAllLines(stateDir.resolve("shop").resolve("cleave.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One process of the split shop. */
    record Proc(String name, long pid) {
    }

    /** The supervisor's report, as {@code cleave status --json} prints it. */
    JsonNode status() {
        try {
            JsonNode state = JSON.readTree(stateDir.resolve("shop").resolve("supervisor.json").toFile());
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), state.get("statusPort").asInt())) {
                socket.setSoTimeout(5_000);
                OutputStream out = socket.getOutputStream();
                // the status port wants the secret in the state file, which only this user can read
                out.write(("STATUS " + state.get("secret").asText() + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Reader in = new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8);
                return JSON.readTree(new BufferedReader(in).readLine());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every running replica of every group, as {@code Group/replica} and pid. */
    List<Proc> replicas() {
        List<Proc> procs = new ArrayList<>();
        for (JsonNode group : status().get("groups")) {
            for (JsonNode replica : group.get("replicas")) {
                if (replica.has("pid")) {
                    procs.add(new Proc(group.get("name").asText() + "/" + replica.get("index").asInt(), replica.get("pid").asLong()));
                }
            }
        }
        return procs;
    }

    /** The pid of one replica. */
    long pid(String group, int replica) {
        return replicas().stream().filter(p -> p.name().equals(group + "/" + replica)).findFirst()
                .orElseThrow(() -> new AssertionError(group + "/" + replica + " is not running: " + status())).pid();
    }

    /** The embedded PostgreSQL server's process, when the shop runs on it. */
    Optional<Proc> databaseServer() {
        if (database.isPresent()) {
            return Optional.empty();
        }
        try {
            String pid = Files.readAllLines(dataDir.resolve("postgres/cluster/postmaster.pid")).get(0).strip();
            return Optional.of(new Proc("postgres", Long.parseLong(pid)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether every replica runs and answers its health checks. */
    boolean healthy() {
        try {
            JsonNode status = status();
            if (!status.get("state").asText().equals("running")) {
                return false;
            }
            for (JsonNode group : status.get("groups")) {
                for (JsonNode replica : group.get("replicas")) {
                    if (!replica.get("health").asText().equals("HEALTHY")) {
                        return false;
                    }
                }
            }
            return client.get("/api/health", null).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A connection that can read every component's schema. */
    Connection admin() throws SQLException {
        if (database.isPresent()) {
            return database.get().connect();
        }
        Properties files = new Properties();
        try (Reader in = Files.newBufferedReader(dataDir.resolve("postgres/cleave.properties"))) {
            files.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + files.getProperty("port") + "/"
                + files.getProperty("database"), "cleave", files.getProperty("superuser.password"));
    }

    @Override
    public void close() {
        app.close();
    }
}
