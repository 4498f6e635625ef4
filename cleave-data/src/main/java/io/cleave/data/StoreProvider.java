package io.cleave.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

/**
 * Supplies {@link Store}: for each component that asks, a Hikari pool on the component's own
 * schema, migrated with Flyway from {@code db/<component in lower case>/} on the class path.
 * Configuration: table {@code [data]} with keys {@code url}, {@code user}, {@code password},
 * {@code pool-size}, {@code shared}, each overridable in {@code [<Component>.data]}; without
 * {@code url}, an embedded H2 database under the application's data directory, which
 * {@code shared = true} lets several processes open (the first serves it to the others on loopback).
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class StoreProvider implements ServiceProvider {

    private static final String H2_BIND_ADDRESS = "h2.bindAddress";
    private static final Duration SHARED_OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> OPENING_ELSEWHERE = Set.of("90020", "90067", "8000");

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public StoreProvider() {
    }

    @Override
    @SuppressWarnings("try") // the first connection is held open, not used, while the pool starts
    public Optional<?> provide(Request request) throws Exception {
        if (request.type() != Store.class) {
            return Optional.empty();
        }
        StoreSettings settings = StoreSettings.resolve(request);
        if (settings.embedded()) {
            Files.createDirectories(request.dataDirectory().resolve(settings.schema()));
        }
        if (settings.shared()) {
            serveSharedStoresOnLoopback();
        }
        HikariDataSource pool;
        // The first connection stays open until the pool holds one: an embedded database closes
        // with its last connection, and a shared one would stop serving the other replicas.
        try (Connection first = openWithSchema(settings)) {
            pool = pool(settings);
            try {
                migrate(settings, pool);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
        PooledStore store = new PooledStore(settings.component(), pool);
        request.closeOnStop(store);
        return Optional.of(store);
    }

    @Override
    public String describe() {
        return "cleave-data (Store)";
    }

    /**
     * H2 serves a shared file on all interfaces unless {@code h2.bindAddress} names one; the
     * other processes are on this machine, so loopback is enough. Read once, when H2 first
     * opens a database, hence set before the first connection; a value set by the application wins.
     */
    private static void serveSharedStoresOnLoopback() {
        if (System.getProperty(H2_BIND_ADDRESS) == null) {
            System.setProperty(H2_BIND_ADDRESS, "127.0.0.1");
        }
    }

    /** Connects outside the pool, to fail with a clear message and to create the schema. */
    private static Connection openWithSchema(StoreSettings settings) {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        Connection c = null;
        try {
            c = connect(settings, props);
            if (!schemaExists(c, settings.schema())) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA IF NOT EXISTS \"" + settings.schema() + "\"");
                } catch (SQLException e) {
                    // another replica may have created it at the same moment
                    if (!schemaExists(c, settings.schema())) {
                        throw e;
                    }
                }
            }
            return c;
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new StartupException(cannotConnect(settings, e), e);
        }
    }

    /**
     * Opens the first connection. A shared file that another process is opening at this moment
     * (replicas start together) is locked before that process serves it: H2 then says the file is
     * in use (90020), the server refused (90067) or the lock file was just modified (8000). Such
     * a store is tried again, pausing 50 ms
     * doubling to 1 s, until {@link #SHARED_OPEN_TIMEOUT}.
     */
    private static Connection connect(StoreSettings settings, Properties props) throws SQLException {
        long deadline = System.nanoTime() + SHARED_OPEN_TIMEOUT.toNanos();
        long pauseMillis = 50;
        while (true) {
            try {
                return DriverManager.getConnection(settings.url(), props);
            } catch (SQLException e) {
                boolean beingOpenedElsewhere = OPENING_ELSEWHERE.contains(e.getSQLState());
                if (!settings.shared() || !beingOpenedElsewhere || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pauseMillis = Math.min(pauseMillis * 2, 1000);
            }
        }
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (ResultSet rs = c.getMetaData().getSchemas(null, schema)) {
            return rs.next();
        }
    }

    private static String cannotConnect(StoreSettings s, SQLException e) {
        String hint = "";
        if (s.embedded() && "90020".equals(e.getSQLState())) {
            hint = "; another process has it open: to run this component in several processes, set"
                    + " [data] shared = true (the first process serves the file to the others) or [data] url"
                    + " to a PostgreSQL database";
        } else if (!s.embedded()) {
            hint = "; check the server is running and " + s.urlSource() + ", user and password are right";
        }
        return "component " + s.component() + ": cannot open its store at " + s.url() + " (" + s.urlSource()
                + ", user \"" + s.user() + "\"): " + firstLine(e.getMessage()) + hint;
    }

    private static HikariDataSource pool(StoreSettings s) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cleave-store-" + s.schema());
        config.setJdbcUrl(s.url());
        config.setUsername(s.user());
        config.setPassword(s.password());
        config.setSchema(s.schema());
        config.setMaximumPoolSize(s.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        if (s.shared()) {
            // replicas opening the file together: the first connection is tried again for as long
            config.setInitializationFailTimeout(SHARED_OPEN_TIMEOUT.toMillis());
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StartupException("component " + s.component() + ": cannot open its store at " + s.url()
                    + " (" + s.urlSource() + "): " + firstLine(cause.getMessage()), e);
        }
    }

    private static void migrate(StoreSettings s, HikariDataSource pool) {
        String location = "db/" + s.schema();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Flyway flyway = Flyway.configure(loader == null ? StoreProvider.class.getClassLoader() : loader)
                .dataSource(pool)
                .locations("classpath:" + location)
                .schemas(s.schema())
                .defaultSchema(s.schema())
                .createSchemas(true)
                .failOnMissingLocations(false)
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .load();
        try {
            flyway.migrate();
        } catch (FlywayMigrateException e) {
            MigrationInfo m = e.getMigration();
            String which = m == null ? "a migration" : "migration " + location + "/" + m.getScript()
                    + " (version " + m.getVersion() + ")";
            throw new StartupException("component " + s.component() + ": " + which + " failed: "
                    + firstLine(rootMessage(e))
                    + "; the database keeps the migrations before it", e);
        } catch (FlywayException e) {
            throw new StartupException("component " + s.component() + ": migrations in " + location
                    + " cannot be applied: " + e.getMessage().strip(), e);
        }
    }

    /** The database's own words: the innermost SQL exception's message, else the exception's. */
    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
