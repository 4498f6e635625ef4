package io.cleave.data;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where and how one component's store connects, resolved from {@code [data]} and
 * {@code [<Component>.data]} (the latter wins key by key).
 *
 * @param component the component's name
 * @param schema the schema holding its tables; on the embedded server also its role's name
 * @param url the JDBC URL of a configured server; empty for the embedded server
 * @param urlSource where the URL came from, for messages: {@code [data] url} or {@code embedded server in <dir>}
 * @param user the database user of a configured server
 * @param password its password; never printed
 * @param poolSize the most connections the pool holds
 * @param componentRoles on a configured server, whether the component works as a role of its own
 *     that owns its schema (always so on the embedded server)
 * @param networkTimeout how long a transaction outside any call's deadline waits for the server to
 *     answer before its connection is dropped (a server that hangs or is cut off); within a call,
 *     the call's deadline and a second, if that is sooner
 */
record StoreSettings(String component, String schema, Optional<String> url, String urlSource, String user, String password,
        int poolSize, boolean componentRoles, Duration networkTimeout) {

    static final Set<String> KEYS = Set.of("url", "user", "password", "pool-size", "component-roles", "network-timeout");
    static final int DEFAULT_POOL_SIZE = 5;
    static final Duration DEFAULT_NETWORK_TIMEOUT = Duration.ofMinutes(5);
    private static final Set<String> RESERVED_SCHEMAS = Set.of("public", "information_schema", EmbeddedServer.SUPERUSER);

    static StoreSettings resolve(ServiceProvider.Request request) {
        return resolve(request.component(), request::section, request.dataDirectory());
    }

    static StoreSettings resolve(String component, Function<String, ConfigSection> sections, Path dataDirectory) {
        String schema = component.toLowerCase(Locale.ROOT);
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}") || schema.startsWith("pg_") || RESERVED_SCHEMAS.contains(schema)) {
            throw new ConfigError("component " + component + ": its name cannot name a database schema"
                    + " (letters, digits and _ only, at most 63, not starting with pg_, not " + String.join(", ",
                            RESERVED_SCHEMAS.stream().sorted().toList()) + "); rename the component to use a Store");
        }
        ConfigSection shared = sections.apply("data");
        ConfigSection own = sections.apply(component + ".data");
        for (ConfigSection section : List.of(shared, own)) {
            if (section.has("shared")) {
                throw new ConfigError("[" + section.path() + "] shared: no longer a setting: the replicas of a component"
                        + " always share its data (on the embedded PostgreSQL server, or on the server [data] url names);"
                        + " remove the key");
            }
            section.rejectUnknown(KEYS);
        }
        Function<String, Optional<ConfigSection>> from = key -> own.has(key) ? Optional.of(own)
                : shared.has(key) ? Optional.of(shared) : Optional.empty();

        Optional<ConfigSection> urlFrom = from.apply("url");
        Optional<String> url = Optional.empty();
        String urlSource;
        if (urlFrom.isPresent()) {
            String configured = urlFrom.get().string("url").strip();
            urlSource = "[" + urlFrom.get().path() + "] url";
            checkUrl(component, configured, urlSource);
            url = Optional.of(configured);
        } else {
            urlSource = "embedded PostgreSQL server in " + dataDirectory.resolve(ClusterFiles.DIRECTORY).toAbsolutePath().normalize();
            for (String key : List.of("user", "password", "component-roles")) {
                Optional<ConfigSection> at = from.apply(key);
                if (at.isPresent()) {
                    throw new ConfigError("[" + at.get().path() + "] " + key + " for component " + component
                            + ": only with [data] url; the embedded server gives each component a role and password of its own,"
                            + " always");
                }
            }
        }
        String user = from.apply("user").map(s -> s.string("user")).orElse("");
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
        boolean roles = from.apply("component-roles").map(s -> s.bool("component-roles")).orElse(true);
        Duration networkTimeout = DEFAULT_NETWORK_TIMEOUT;
        Optional<ConfigSection> timeoutFrom = from.apply("network-timeout");
        if (timeoutFrom.isPresent()) {
            networkTimeout = timeoutFrom.get().duration("network-timeout");
            if (networkTimeout.compareTo(Duration.ofSeconds(1)) < 0 || networkTimeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new ConfigError("[" + timeoutFrom.get().path() + "] network-timeout = \"" + text(networkTimeout) + "\""
                        + " for component " + component + ": must be 1s to 24h (how long a transaction outside any"
                        + " call's deadline waits for an answer from the database, such as \"5m\")");
            }
        }
        return new StoreSettings(component, schema, url, urlSource, user, password, poolSize, roles, networkTimeout);
    }

    private static void checkUrl(String component, String url, String source) {
        if (url.startsWith("jdbc:h2:")) {
            throw new ConfigError(source + " = \"" + url + "\" for component " + component
                    + ": H2 is no longer supported (it lost committed transactions when a process was killed);"
                    + " remove the url to use the embedded PostgreSQL server, or name a PostgreSQL server"
                    + " (jdbc:postgresql://host:5432/database)");
        }
        boolean accepted;
        try {
            accepted = url.startsWith("jdbc:postgresql:") && DriverManager.getDriver(url) != null;
        } catch (SQLException e) {
            accepted = false;
        }
        if (!accepted) {
            throw new ConfigError(source + " = \"" + url + "\" for component " + component
                    + ": not a JDBC URL of a supported database; expected PostgreSQL (jdbc:postgresql://host:5432/database)");
        }
    }

    /** A duration as the configuration writes it: {@code "5m"}, {@code "2s"}, {@code "0.5s"}. */
    static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    boolean embedded() {
        return url.isEmpty();
    }

    @Override
    public String toString() {
        return "StoreSettings[" + component + ", " + url.orElse("embedded") + " from " + urlSource + ", user " + user
                + ", pool " + poolSize + "]";
    }
}
