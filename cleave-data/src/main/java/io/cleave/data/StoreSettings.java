package io.cleave.data;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where and how one component's store connects, resolved from {@code [data]} and
 * {@code [<Component>.data]} (the latter wins key by key).
 *
 * @param component the component's name
 * @param schema the schema holding its tables
 * @param url the JDBC URL
 * @param urlSource where the URL came from, for messages: {@code [data] url} or {@code embedded default}
 * @param user the database user
 * @param password the password; never printed
 * @param poolSize the most connections the pool holds
 * @param embedded whether the URL is the embedded default
 * @param shared whether the embedded database may be opened by several processes at once
 */
record StoreSettings(String component, String schema, String url, String urlSource, String user, String password,
        int poolSize, boolean embedded, boolean shared) {

    static final Set<String> KEYS = Set.of("url", "user", "password", "pool-size", "shared");
    /**
     * H2's automatic mixed mode: the first process to open the file serves it to the others on
     * a TCP port recorded in its lock file; when that process ends, the next one to reconnect
     * takes over.
     */
    static final String SHARED_OPTIONS = ";AUTO_SERVER=TRUE;AUTO_RECONNECT=TRUE";
    static final int DEFAULT_POOL_SIZE = 5;
    static final String EMBEDDED_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    static StoreSettings resolve(ServiceProvider.Request request) {
        String component = request.component();
        String schema = component.toLowerCase(Locale.ROOT);
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new ConfigError("component " + component + ": its name cannot name a database schema"
                    + " (letters, digits and _ only, at most 63); rename the component to use a Store");
        }
        ConfigSection shared = request.section("data");
        ConfigSection own = request.section(component + ".data");
        shared.rejectUnknown(KEYS);
        own.rejectUnknown(KEYS);
        Function<String, Optional<ConfigSection>> from = key -> own.has(key) ? Optional.of(own)
                : shared.has(key) ? Optional.of(shared) : Optional.empty();

        Optional<ConfigSection> urlFrom = from.apply("url");
        String url;
        String urlSource;
        boolean sharedFile = from.apply("shared").map(s -> s.bool("shared")).orElse(false);
        if (urlFrom.isPresent()) {
            url = urlFrom.get().string("url").strip();
            urlSource = "[" + urlFrom.get().path() + "] url";
            checkUrl(component, url, urlSource);
        } else {
            Path dir = request.dataDirectory().resolve(schema).toAbsolutePath();
            url = "jdbc:h2:file:" + dir.resolve("store") + EMBEDDED_OPTIONS + (sharedFile ? SHARED_OPTIONS : "");
            urlSource = (sharedFile ? "shared " : "") + "embedded default in " + dir;
        }
        String user = from.apply("user").map(s -> s.string("user")).orElse(urlFrom.isPresent() ? "" : "sa");
        String password = from.apply("password").map(s -> s.string("password")).orElse("");
        int poolSize = DEFAULT_POOL_SIZE;
        Optional<ConfigSection> poolFrom = from.apply("pool-size");
        if (poolFrom.isPresent()) {
            poolSize = poolFrom.get().int32("pool-size");
            if (poolSize < 1 || poolSize > 1000) {
                throw new ConfigError("[" + poolFrom.get().path() + "] pool-size = " + poolSize
                        + " for component " + component + ": must be 1 to 1000");
            }
        }
        return new StoreSettings(component, schema, url, urlSource, user, password, poolSize, urlFrom.isEmpty(),
                sharedFile && urlFrom.isEmpty());
    }

    private static void checkUrl(String component, String url, String source) {
        boolean known = url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:h2:");
        boolean accepted;
        try {
            accepted = known && DriverManager.getDriver(url) != null;
        } catch (SQLException e) {
            accepted = false;
        }
        if (!accepted) {
            throw new ConfigError(source + " = \"" + url + "\" for component " + component
                    + ": not a JDBC URL of a supported database; expected PostgreSQL"
                    + " (jdbc:postgresql://host:5432/database) or H2 (jdbc:h2:...)");
        }
    }

    boolean postgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "StoreSettings[" + component + ", " + url + " from " + urlSource + ", user " + user + ", pool " + poolSize + "]";
    }
}
