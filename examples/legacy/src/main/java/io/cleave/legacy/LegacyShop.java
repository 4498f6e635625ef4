package io.cleave.legacy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The legacy shop: a small web shop as a team would already run it in production, on the JDK's HTTP
 * server (a virtual thread per request) and its own embedded H2 database, without Cleave. It is the
 * application the strangler-fig walk-through moves, route by route, behind Cleave's gateway into the
 * Cleave shop.
 *
 * <p>Run it with {@code ./legacy} from the repository root, or
 * {@code java -cp ... io.cleave.legacy.LegacyShop [--port=9090] [--data=DIR]}; it prints
 * {@code Legacy shop running at http://127.0.0.1:PORT/} once it answers, and stops on SIGTERM or Ctrl-C
 * after the requests in flight.
 */
public final class LegacyShop implements AutoCloseable {

    /** How long a stop waits for the requests in flight. */
    private static final int STOP_SECONDS = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Database database;

    private LegacyShop(HttpServer server, ExecutorService executor, Database database) {
        this.server = server;
        this.executor = executor;
        this.database = database;
    }

    /**
     * Opens the database and starts answering on 127.0.0.1.
     *
     * @param options the port and the data directory
     * @return the running shop
     * @throws IOException when the data directory cannot be created, or the port is taken (a
     *     {@link BindException} naming it)
     * @throws IllegalStateException when another process has the database open
     * @throws SQLException when the database fails otherwise
     */
    static LegacyShop start(Options options) throws IOException, SQLException {
        Database database = Database.open(options.dataDir());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port());
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            database.close();
            BindException named = new BindException("cannot listen on 127.0.0.1:" + options.port() + " (" + e.getMessage()
                    + "): another process has the port; --port=0 takes any free one");
            named.initCause(e);
            throw named;
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", new ShopApi(database, new Catalog(database), new Newsletter(database, Clock.systemUTC()))
                .router());
        server.start();
        return new LegacyShop(server, executor, database);
    }

    /** The port it answers on. */
    int port() {
        return server.getAddress().getPort();
    }

    /** Its address, {@code http://127.0.0.1:PORT/}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    /** Stops answering, waits up to two seconds for the requests in flight, then closes the database. */
    @Override
    public void close() {
        server.stop(STOP_SECONDS);
        executor.shutdownNow();
        database.close();
    }

    /**
     * Runs the shop until the process is stopped.
     *
     * @param args {@code --port=N} (default 9090; 0 for any free port) and {@code --data=DIR} (default
     *     {@code data} in the working directory)
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("legacy: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        LegacyShop shop;
        try {
            shop = start(options);
        } catch (IOException | SQLException | IllegalStateException e) {
            System.err.println("legacy: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(shop::close, "legacy-shop-stop"));
        System.out.println("Legacy shop running at " + shop.uri());
    }
}
