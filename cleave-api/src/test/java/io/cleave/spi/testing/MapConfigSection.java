package io.cleave.spi.testing;

import io.cleave.spi.ConfigSection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A configuration table backed by a map, for tests of {@link io.cleave.spi.ServiceProvider}s;
 * the real one lives in cleave-runtime.
 *
 * @param path the dotted path of the table, for messages
 * @param values its keys and values (String, Long, Double, Boolean, List)
 */
public record MapConfigSection(String path, Map<String, Object> values) implements ConfigSection {

    /**
     * The table at a dotted path: given under that path, or nested as a map in its parent's
     * ({@code listeners.web} as the map at key {@code web} of {@code listeners}).
     *
     * @param sections tables by dotted path
     * @param path the path
     * @return the table; empty when there is none
     */
    @SuppressWarnings("unchecked")
    public static MapConfigSection at(Map<String, Map<String, Object>> sections, String path) {
        Map<String, Object> table = sections.get(path);
        int dot = path.lastIndexOf('.');
        if (table == null && dot > 0 && at(sections, path.substring(0, dot)).values()
                .get(path.substring(dot + 1)) instanceof Map<?, ?> nested) {
            table = (Map<String, Object>) nested;
        }
        return new MapConfigSection(path, table == null ? Map.of() : table);
    }

    @Override
    public boolean has(String key) {
        return values.containsKey(key);
    }

    private Object value(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new ConfigError("[" + path + "] has no key \"" + key + "\"");
        }
        return v;
    }

    private <T> T typed(String key, Class<T> type) {
        Object v = value(key);
        if (!type.isInstance(v)) {
            throw new ConfigError("[" + path + "] " + key + " = " + v + ": expected a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    @Override
    public String string(String key) {
        return typed(key, String.class);
    }

    @Override
    public int int32(String key) {
        return typed(key, Integer.class);
    }

    @Override
    public long int64(String key) {
        return typed(key, Number.class).longValue();
    }

    @Override
    public double float64(String key) {
        return typed(key, Number.class).doubleValue();
    }

    @Override
    public boolean bool(String key) {
        return typed(key, Boolean.class);
    }

    @Override
    public Duration duration(String key) {
        return Duration.parse(string(key));
    }

    @Override
    public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
        return Enum.valueOf(type, string(key).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    @Override
    public List<String> strings(String key) {
        Object v = value(key);
        if (!(v instanceof List<?> list)) {
            throw new ConfigError("[" + path + "] " + key + ": expected an array");
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** Keys whose value is a map are sub-tables, as {@code [listeners.web]} in {@code [listeners]}. */
    @Override
    public Set<String> subsections() {
        Set<String> names = new TreeSet<>();
        values.forEach((key, value) -> {
            if (value instanceof Map<?, ?>) {
                names.add(key);
            }
        });
        return names;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ConfigSection subsection(String name) {
        return new MapConfigSection(path + "." + name,
                values.get(name) instanceof Map<?, ?> nested ? (Map<String, Object>) nested : Map.of());
    }

    @Override
    public void rejectUnknownSubsections(Set<String> known, String what) {
        for (String name : subsections()) {
            if (!known.contains(name)) {
                throw new ConfigError("[" + path + "." + name + "] names " + what + " \"" + name + "\", which does not exist");
            }
        }
    }

    @Override
    public void rejectUnknown(Set<String> known) {
        for (String key : new TreeSet<>(values.keySet())) {
            if (!known.contains(key) && !(values.get(key) instanceof Map<?, ?>)) {
                throw new ConfigError("[" + path + "] unknown key \"" + key + "\"; valid keys: " + new TreeSet<>(known));
            }
        }
    }
}
