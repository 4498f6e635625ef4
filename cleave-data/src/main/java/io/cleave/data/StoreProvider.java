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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * {@code pool-size}, each overridable in {@code [<Component>.data]}. Without {@code url}, the
 * application's embedded PostgreSQL server ({@link EmbeddedServer}), which the process that
 * deploys the application starts in {@link #prepare} and every process connects to, each
 * component as a role of its own.
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class StoreProvider implements ServiceProvider {

    private static final System.Logger LOG = System.getLogger("cleave.data");
    /** How long a process waits for the embedded server while its owner restarts it. */
    private static final Duration EMBEDDED_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Connection refused, the server starting up or shutting down: the owner restarts it. */
    private static final Set<String> SERVER_RESTARTING = Set.of("08001", "08006", "57P03", "57P01");

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public StoreProvider() {
    }

    /**
     * Checks every component's {@code [data]} settings, and when a component uses the embedded
     * server, starts it (or adopts the one running) and gives each such component its role.
     */
    @Override
    public AutoCloseable prepare(Preparation preparation) {
        Map<String, StoreSettings> stores = new LinkedHashMap<>();
        for (Need need : preparation.needs()) {
            if (need.type() == Store.class && preparation.prepares(need.component())) {
                stores.putIfAbsent(need.component(),
                        StoreSettings.resolve(need.component(), preparation::section, preparation.dataDirectory()));
            }
        }
        stores.values().stream().filter(s -> !s.embedded() && s.componentRoles()).forEach(ComponentRoles::grant);
        List<StoreSettings> embedded = stores.values().stream().filter(StoreSettings::embedded).toList();
        if (embedded.isEmpty()) {
            return NOTHING;
        }
        embedded.forEach(s -> noticeOldFiles(preparation.dataDirectory(), s));
        EmbeddedServer server = EmbeddedServer.own(new ClusterFiles(preparation.dataDirectory()),
                databaseName(preparation.application()));
        try {
            embedded.forEach(s -> server.grantOwnSchema(s.schema()));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    @Override
    @SuppressWarnings("try") // the first connection is held open, not used, while the pool starts
    public Optional<?> provide(Request request) throws Exception {
        if (request.type() != Store.class) {
            return Optional.empty();
        }
        StoreSettings settings = StoreSettings.resolve(request);
        Target target = target(settings, request.dataDirectory());
        HikariDataSource pool;
        try (Connection first = openWithSchema(settings, target)) {
            if (!settings.embedded() && settings.componentRoles()) {
                target = target.as(becomeRole(first, settings));
            }
            pool = pool(settings, target);
            try {
                migrate(settings, pool);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
        PooledStore store = new PooledStore(settings.component(), pool, settings.networkTimeout());
        request.closeOnStop(store);
        return Optional.of(store);
    }

    @Override
    public String describe() {
        return "cleave-data (Store)";
    }

    /**
     * Where and as whom one component connects.
     *
     * @param role the role its connections switch to first ({@code SET ROLE}), empty to stay the user
     */
    private record Target(String url, String user, String password, boolean embedded, Optional<String> role) {

        Target as(String becomes) {
            return new Target(url, user, password, embedded, Optional.of(becomes));
        }
    }

    /**
     * Switches a connection to the component's role on a configured server, which the process
     * that deploys the application created ({@link ComponentRoles}).
     *
     * @return the role
     * @throws StartupException if the role does not exist or the user may not become it
     */
    private static String becomeRole(Connection c, StoreSettings s) {
        try (Statement st = c.createStatement()) {
            String database;
            try (ResultSet rs = st.executeQuery("select current_database()")) {
                rs.next();
                database = rs.getString(1);
            }
            String role = ComponentRoles.role(database, s.schema());
            st.execute("set role " + EmbeddedServer.quote(role));
            return role;
        } catch (SQLException e) {
            throw new StartupException("component " + s.component() + ": cannot work as its own role on " + s.url().orElseThrow()
                    + " (" + e.getMessage().strip() + "); the process that deploys the application creates it at start"
                    + " ([data] component-roles)", e);
        }
    }

    private static Target target(StoreSettings settings, Path dataDirectory) {
        if (!settings.embedded()) {
            return new Target(settings.url().orElseThrow(), settings.user(), settings.password(), false, Optional.empty());
        }
        ClusterFiles.Endpoint endpoint = new ClusterFiles(dataDirectory).endpoint(settings.component());
        String password = endpoint.rolePassword(settings.schema()).orElseThrow(() -> new StartupException("component "
                + settings.component() + ": has no role on the embedded PostgreSQL server in " + dataDirectory
                + "; the process that deploys the application creates it, so this component was not part of the"
                + " application when it started"));
        return new Target(endpoint.url(endpoint.database()), settings.schema(), password, true, Optional.empty());
    }

    /** The database of the application on its embedded server: its name where that is a plain identifier. */
    static String databaseName(String application) {
        String name = application.toLowerCase(Locale.ROOT).replace('-', '_');
        return name.matches("[a-z_][a-z0-9_]{0,62}") && !name.startsWith("pg_") && !name.equals("postgres")
                && !name.startsWith("template") ? name : "cleave";
    }

    /** Data files of the embedded H2 database that Cleave used before; nothing reads them now. */
    private static void noticeOldFiles(Path dataDirectory, StoreSettings s) {
        Path old = dataDirectory.resolve(s.schema()).resolve("store.mv.db");
        if (Files.exists(old)) {
            LOG.log(System.Logger.Level.WARNING, "component " + s.component() + ": " + old.toAbsolutePath()
                    + " holds data of the embedded H2 database that earlier Cleave versions used; it is not read any more"
                    + " (the component's data is now on the embedded PostgreSQL server); delete it once you no longer need it");
        }
    }

    /** Connects outside the pool, to fail with a clear message and to create the schema. */
    private static Connection openWithSchema(StoreSettings settings, Target target) {
        Properties props = new Properties();
        props.setProperty("user", target.user());
        props.setProperty("password", target.password());
        Connection c = null;
        try {
            c = connect(target, props);
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
     * Opens the first connection. The embedded server may be restarting at this moment (its
     * owner restarts it when it dies): then the connection is tried again, pausing 50 ms
     * doubling to 1 s, for up to {@link #EMBEDDED_CONNECT_TIMEOUT}. A configured server is not
     * waited for: an unreachable one is a configuration problem.
     */
    private static Connection connect(Target target, Properties props) throws SQLException {
        long deadline = System.nanoTime() + EMBEDDED_CONNECT_TIMEOUT.toNanos();
        long pauseMillis = 50;
        while (true) {
            try {
                return DriverManager.getConnection(target.url(), props);
            } catch (SQLException e) {
                if (!target.embedded() || !SERVER_RESTARTING.contains(e.getSQLState()) || System.nanoTime() - deadline > 0) {
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
        if (s.embedded()) {
            return "component " + s.component() + ": cannot connect to the " + s.urlSource() + " as role " + s.schema()
                    + ": " + firstLine(e.getMessage()) + " (the server's log is server.log in that directory)";
        }
        return "component " + s.component() + ": cannot open its store at " + s.url().orElseThrow() + " (" + s.urlSource()
                + ", user \"" + s.user() + "\"): " + firstLine(e.getMessage())
                + "; check the server is running and " + s.urlSource() + ", user and password are right";
    }

    private static HikariDataSource pool(StoreSettings s, Target target) {
        PoolLogLines.install();
        HikariConfig config = new HikariConfig();
        config.setPoolName("cleave-store-" + s.schema());
        config.setJdbcUrl(target.url());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setSchema(s.schema());
        config.setMaximumPoolSize(s.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        if (target.embedded()) {
            // the owner may be restarting the server: wait for it as the first connection did
            config.setInitializationFailTimeout(EMBEDDED_CONNECT_TIMEOUT.toMillis());
        }
        // every connection is dropped by the server when this process is cut off from it, and becomes the
        // component's role, before the component's first statement
        config.setConnectionInitSql(PooledStore.CUT_OFF_SQL
                + target.role().map(role -> "; set role " + EmbeddedServer.quote(role)).orElse(""));
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StartupException("component " + s.component() + ": cannot open its store at " + target.url()
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

    /** A message's first line, stripped; {@code (no message)} for none. */
    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
