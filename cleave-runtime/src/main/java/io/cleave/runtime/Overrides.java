package io.cleave.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * Configuration keys set outside the file: environment variables {@code CLEAVE_<PATH>} and
 * {@link io.cleave.Cleave.Builder#set} (which wins over the environment). Both are keyed by the
 * variable name of the dotted path: upper case, {@code .} as {@code __}, {@code -} as {@code _};
 * so {@code Greeter.max-connections} is {@code CLEAVE_GREETER__MAX_CONNECTIONS}.
 */
final class Overrides {

    static final String PREFIX = "CLEAVE_";

    /**
     * One overriding value.
     *
     * @param segments the canonical path segments after the prefix, such as {@code [GREETER, MAX_CONNECTIONS]}
     * @param raw the text as given
     * @param origin where it came from, for messages
     */
    record Entry(List<String> segments, String raw, String origin) {

        /** The value as TOML would read it, falling back to the text itself as a string. */
        Object value() {
            return parseValue(raw);
        }
    }

    private final Map<List<String>, Entry> entries;

    private Overrides(Map<List<String>, Entry> entries) {
        this.entries = entries;
    }

    static Overrides none() {
        return new Overrides(Map.of());
    }

    /**
     * Collects the overrides. Environment variables without {@code __} are not configuration
     * paths (every key lives in a table) and are ignored.
     */
    static Overrides of(Map<String, String> environment, Map<String, String> sets, Problems problems) {
        Map<List<String>, Entry> entries = new LinkedHashMap<>();
        environment.entrySet().stream()
                .filter(e -> e.getKey().startsWith(PREFIX) && e.getKey().contains("__"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    List<String> segments = segmentsOfVariable(e.getKey());
                    if (segments.stream().anyMatch(String::isEmpty)) {
                        problems.add("environment variable " + e.getKey() + ": a path segment is empty");
                        return;
                    }
                    entries.put(segments, new Entry(segments, e.getValue(), "environment variable " + e.getKey()));
                });
        sets.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String key = e.getKey();
            List<String> path = Arrays.asList(key.split("\\.", -1));
            if (path.size() < 2 || path.stream().anyMatch(String::isBlank)) {
                problems.add("set(\"" + key + "\"): the key must be a dotted path such as \"Greeter.greeting\"");
                return;
            }
            List<String> segments = canonical(path);
            entries.put(segments, new Entry(segments, e.getValue(), "set(\"" + key + "\")"));
        });
        return new Overrides(entries);
    }

    /** The variable name of a dotted path. */
    static String variableOf(List<String> path) {
        return PREFIX + String.join("__", canonical(path));
    }

    static List<String> canonical(List<String> path) {
        List<String> result = new ArrayList<>(path.size());
        for (String segment : path) {
            result.add(canonical(segment));
        }
        return List.copyOf(result);
    }

    static String canonical(String segment) {
        return segment.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static List<String> segmentsOfVariable(String variable) {
        String rest = variable.substring(PREFIX.length());
        return canonical(Arrays.asList(rest.split("__", -1)));
    }

    /** The override of the key at this dotted path, if any. */
    Optional<Entry> find(List<String> path) {
        return Optional.ofNullable(entries.get(canonical(path)));
    }

    /** Overrides of keys directly inside the section at {@code sectionPath}. */
    List<Entry> keysOf(List<String> sectionPath) {
        List<String> prefix = canonical(sectionPath);
        List<Entry> result = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.segments().size() == prefix.size() + 1 && e.segments().subList(0, prefix.size()).equals(prefix)) {
                result.add(e);
            }
        }
        return result;
    }

    List<Entry> all() {
        return List.copyOf(entries.values());
    }

    /** The text as a TOML value ({@code 5}, {@code true}, {@code ["a"]}, {@code "x"}), else the text as a string. */
    static Object parseValue(String raw) {
        if (raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0) {
            return raw;
        }
        TomlParseResult parsed = Toml.parse("v = " + raw);
        if (parsed.hasErrors() || parsed.size() != 1 || !parsed.contains(List.of("v"))) {
            return raw;
        }
        Object value = parsed.get(List.of("v"));
        return value == null ? raw : value;
    }
}
