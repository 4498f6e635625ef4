package io.cleave.codegen;

import io.cleave.spi.ConfigSection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A configuration section over a map, failing like the real one: naming the section and key. */
final class MapConfigSection implements ConfigSection {

    private final String path;
    private final Map<String, Object> values;

    MapConfigSection(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public boolean has(String key) {
        return values.containsKey(key);
    }

    private <T> T get(String key, Class<T> type) {
        Object value = values.get(key);
        if (value == null) {
            throw new ConfigError(path + "." + key + " is missing");
        }
        if (!type.isInstance(value)) {
            throw new ConfigError(path + "." + key + " is " + value + ", not a " + type.getSimpleName());
        }
        return type.cast(value);
    }

    @Override
    public String string(String key) {
        return get(key, String.class);
    }

    @Override
    public int int32(String key) {
        return Math.toIntExact(get(key, Long.class));
    }

    @Override
    public long int64(String key) {
        return get(key, Long.class);
    }

    @Override
    public double float64(String key) {
        return get(key, Number.class).doubleValue();
    }

    @Override
    public boolean bool(String key) {
        return get(key, Boolean.class);
    }

    @Override
    public Duration duration(String key) {
        return Duration.parse(get(key, String.class));
    }

    @Override
    public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
        return Enum.valueOf(type, get(key, String.class).toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    @Override
    public List<String> strings(String key) {
        return ((List<?>) get(key, List.class)).stream().map(String::valueOf).toList();
    }

    @Override
    public void rejectUnknown(Set<String> known) {
        for (String key : new TreeSet<>(values.keySet())) {
            if (!known.contains(key)) {
                throw new ConfigError(path + "." + key + " is not a known key (known: " + new TreeSet<>(known) + ")");
            }
        }
    }
}
