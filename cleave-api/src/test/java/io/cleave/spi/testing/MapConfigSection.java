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

    @Override
    public void rejectUnknown(Set<String> known) {
        for (String key : new TreeSet<>(values.keySet())) {
            if (!known.contains(key)) {
                throw new ConfigError("[" + path + "] unknown key \"" + key + "\"; valid keys: " + new TreeSet<>(known));
            }
        }
    }
}
