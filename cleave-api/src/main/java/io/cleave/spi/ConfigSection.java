package io.cleave.spi;

import java.io.Serial;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One table of the configuration, such as {@code [Greeter]}, with environment overrides
 * applied. Every accessor throws {@link ConfigError} naming the file, line and key when the
 * key is missing or its value has the wrong type.
 */
public interface ConfigSection {

    /**
     * The section's dotted path, such as {@code Greeter}.
     *
     * @return the path
     */
    String path();

    /**
     * Whether the key is present.
     *
     * @param key a key of this section
     * @return true if present
     */
    boolean has(String key);

    /** @param key a key @return its string value */
    String string(String key);

    /** @param key a key @return its integer value, which must fit an {@code int} */
    int int32(String key);

    /** @param key a key @return its integer value */
    long int64(String key);

    /** @param key a key @return its number value (integers are accepted) */
    double float64(String key);

    /** @param key a key @return its boolean value */
    boolean bool(String key);

    /**
     * A duration written as a string with a unit: {@code "250ms"}, {@code "2s"}, {@code "5m"},
     * {@code "1h"}, or an ISO-8601 duration.
     *
     * @param key a key
     * @return the duration
     */
    Duration duration(String key);

    /**
     * A duration that must be longer than zero, or {@code fallback} when the key is absent.
     *
     * @param key a key
     * @param fallback the value when the key is absent
     * @return the duration
     * @throws ConfigError naming the section and key when the value is zero or negative
     */
    default Duration positiveDuration(String key, Duration fallback) {
        if (!has(key)) {
            return fallback;
        }
        Duration d = duration(key);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigError("[" + path() + "] " + key + " = " + d + ": must be positive");
        }
        return d;
    }

    /**
     * An enum constant, matched case-insensitively, with {@code -} standing for {@code _}.
     *
     * @param key a key
     * @param type the enum class
     * @param <E> the enum type
     * @return the constant
     */
    <E extends Enum<E>> E enumValue(String key, Class<E> type);

    /** @param key a key @return its array of strings */
    List<String> strings(String key);

    /**
     * Fails if the section holds a key outside {@code known}, suggesting the closest known key.
     *
     * @param known the keys the config record accepts
     * @throws ConfigError for the first unknown key
     */
    void rejectUnknown(Set<String> known);

    /**
     * The keys of this section that hold values (not sub-tables), from the file and from
     * overrides; an override's key is spelled as its variable allows, in lower case with
     * {@code -} for {@code _}. For tables whose keys are names the user chooses, such as
     * {@code [gateway.upstreams]}.
     *
     * @return the keys; empty when there are none
     */
    default Set<String> keys() {
        return Set.of();
    }

    /**
     * The names of this section's sub-tables, such as {@code Payments} for
     * {@code [resilience.Payments]} in {@code [resilience]}, from the file and from overrides
     * (whose names may differ in case from the file's).
     *
     * @return the names; empty when there are none
     */
    default Set<String> subsections() {
        return Set.of();
    }

    /**
     * A sub-table of this section, such as {@code routes} of {@code [gateway]} for
     * {@code [gateway.routes]}, read the same way (overrides applied, errors naming file and line);
     * a section without keys when there is no such table.
     *
     * @param name the sub-table's name, as {@link #subsections()} lists it
     * @return the sub-table
     * @throws UnsupportedOperationException if this kind of section cannot reach its sub-tables
     */
    default ConfigSection subsection(String name) {
        throw new UnsupportedOperationException("[" + path() + "." + name + "] cannot be read through " + getClass().getName());
    }

    /**
     * Fails if a sub-table is named outside {@code known}, naming the file and line and the
     * closest known name.
     *
     * @param known the names sub-tables may have
     * @param what what the names name, for the message, such as {@code a component}
     * @throws ConfigError for the first unknown name
     */
    default void rejectUnknownSubsections(Set<String> known, String what) {
    }

    /** A configuration value is missing, unknown or invalid; the message says where and why. */
    final class ConfigError extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        /** @param message file, line, key and what would be valid */
        public ConfigError(String message) {
            super(message);
        }
    }
}
