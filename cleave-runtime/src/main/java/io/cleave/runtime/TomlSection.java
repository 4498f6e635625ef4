package io.cleave.runtime;

import io.cleave.spi.ConfigSection;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * A {@link ConfigSection} over a table of the parsed document, with overrides applied.
 *
 * <p>A section made for binding component configs collects its errors into {@link Problems}
 * and answers a placeholder value instead of throwing, so one start reports every problem of
 * every component; a section made for service providers throws {@link ConfigError}.
 */
final class TomlSection implements ConfigSection {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /**
     * A value and where it came from.
     *
     * @param value a TOML value (String, Long, Double, Boolean, TomlArray, TomlTable, a date)
     * @param origin {@code file:line} or the override's origin
     * @param override the override's text when the value came from one
     */
    record Value(Object value, String origin, Optional<String> override) {
    }

    private final ConfigDocument document;
    private final List<String> path;
    private final @Nullable Problems problems;

    TomlSection(ConfigDocument document, List<String> path, @Nullable Problems problems) {
        this.document = document;
        this.path = List.copyOf(path);
        this.problems = problems;
    }

    @Override
    public String path() {
        return String.join(".", path);
    }

    private String header() {
        return "[" + path() + "]";
    }

    private List<String> pathOf(String key) {
        List<String> full = new ArrayList<>(path);
        full.add(key);
        return full;
    }

    /** The value of a key: an override first, else the file's. */
    Optional<Value> value(String key) {
        List<String> full = pathOf(key);
        Optional<Overrides.Entry> override = document.overrides().find(full);
        if (override.isPresent()) {
            Overrides.Entry e = override.get();
            return Optional.of(new Value(e.value(), e.origin(), Optional.of(e.raw())));
        }
        return document.table(path)
                .map(t -> t.get(List.of(key)))
                .map(v -> new Value(v, document.origin(full), Optional.empty()));
    }

    @Override
    public boolean has(String key) {
        return value(key).isPresent();
    }

    private <T> T fail(String message, T placeholder) {
        if (problems == null) {
            throw new ConfigError(message);
        }
        problems.add(message);
        return placeholder;
    }

    private Optional<Value> require(String key, String javaType) {
        Optional<Value> v = value(key);
        if (v.isEmpty()) {
            fail(document.label() + ": " + header() + " is missing key \"" + key + "\" (" + javaType + ")", "");
        }
        return v;
    }

    private <T> T wrongType(String key, Value v, String expected, T placeholder) {
        return fail(v.origin() + ": " + header() + " key \"" + key + "\" must be " + expected + ", got "
                + describe(v.value()), placeholder);
    }

    @Override
    public String string(String key) {
        Optional<Value> found = require(key, "String");
        if (found.isEmpty()) {
            return "";
        }
        Value v = found.get();
        if (v.value() instanceof String s) {
            return s;
        }
        if (v.override().isPresent()) {
            // An override is text: "5" is a fine string even though it also reads as an integer.
            return v.override().get();
        }
        return wrongType(key, v, "a string", "");
    }

    @Override
    public long int64(String key) {
        Optional<Value> found = require(key, "long");
        if (found.isEmpty()) {
            return 0L;
        }
        Value v = found.get();
        if (v.value() instanceof Long l) {
            return l;
        }
        return wrongType(key, v, "an integer", 0L);
    }

    @Override
    public int int32(String key) {
        Optional<Value> found = require(key, "int");
        if (found.isEmpty()) {
            return 0;
        }
        Value v = found.get();
        if (v.value() instanceof Long l) {
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                return fail(v.origin() + ": " + header() + " key \"" + key + "\" must be an integer between "
                        + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + ", got " + l, 0);
            }
            return l.intValue();
        }
        return wrongType(key, v, "an integer", 0);
    }

    @Override
    public double float64(String key) {
        Optional<Value> found = require(key, "double");
        if (found.isEmpty()) {
            return 0d;
        }
        Value v = found.get();
        if (v.value() instanceof Double d) {
            return d;
        }
        if (v.value() instanceof Long l) {
            return l.doubleValue();
        }
        return wrongType(key, v, "a number", 0d);
    }

    @Override
    public boolean bool(String key) {
        Optional<Value> found = require(key, "boolean");
        if (found.isEmpty()) {
            return false;
        }
        Value v = found.get();
        if (v.value() instanceof Boolean b) {
            return b;
        }
        return wrongType(key, v, "a boolean (true or false)", false);
    }

    @Override
    public Duration duration(String key) {
        Optional<Value> found = require(key, "Duration");
        if (found.isEmpty()) {
            return Duration.ZERO;
        }
        Value v = found.get();
        String expected = "a duration such as \"250ms\", \"2s\", \"5m\", \"1h\" or \"PT1M30S\"";
        if (!(v.value() instanceof String text)) {
            return wrongType(key, v, expected, Duration.ZERO);
        }
        Optional<Duration> parsed = parseDuration(text.strip());
        if (parsed.isEmpty()) {
            return wrongType(key, v, expected, Duration.ZERO);
        }
        return parsed.get();
    }

    static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long amount;
            try {
                amount = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        try {
            return Optional.of(Duration.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
        E[] constants = type.getEnumConstants();
        E placeholder = constants.length == 0 ? null : constants[0];
        Optional<Value> found = require(key, type.getSimpleName());
        if (found.isEmpty()) {
            return placeholder;
        }
        Value v = found.get();
        List<String> names = Arrays.stream(constants).map(c -> spell(c.name())).toList();
        String expected = "one of " + String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
        if (!(v.value() instanceof String text)) {
            return wrongType(key, v, expected, placeholder);
        }
        String wanted = text.strip().replace('-', '_');
        for (E c : constants) {
            if (c.name().equalsIgnoreCase(wanted)) {
                return c;
            }
        }
        return fail(v.origin() + ": " + header() + " key \"" + key + "\" must be " + expected + ", got \"" + text + "\""
                + Spelling.didYouMean(text, names), placeholder);
    }

    private static String spell(String constant) {
        return constant.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public List<String> strings(String key) {
        Optional<Value> found = require(key, "List<String>");
        if (found.isEmpty()) {
            return List.of();
        }
        Value v = found.get();
        if (v.value() instanceof TomlArray array) {
            List<String> result = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                if (!(array.get(i) instanceof String s)) {
                    return wrongType(key, v, "an array of strings", List.of());
                }
                result.add(s);
            }
            return List.copyOf(result);
        }
        return wrongType(key, v, "an array of strings", List.of());
    }

    @Override
    public void rejectUnknown(Set<String> known) {
        rejectUnknown(known, "");
    }

    /**
     * Reports every key (in the file or overridden) outside {@code known}. Sub-tables are
     * sections of their own (such as {@code [Catalog.data]}) and are not keys.
     *
     * @param hint appended when no spelling suggestion fits, such as why no key is valid
     */
    void rejectUnknown(Set<String> known, String hint) {
        Map<String, String> canonicalKnown = new LinkedHashMap<>();
        for (String k : known) {
            canonicalKnown.put(Overrides.canonical(k), k);
        }
        Optional<TomlTable> table = document.table(path);
        if (table.isPresent()) {
            for (String key : table.get().keySet()) {
                Object value = table.get().get(List.of(key));
                if (value instanceof TomlTable || known.contains(key)) {
                    continue;
                }
                fail(document.origin(pathOf(key)) + ": " + header() + " key \"" + key + "\" is unknown"
                        + suggestion(key, known, hint), null);
            }
        }
        for (Overrides.Entry e : document.overrides().keysOf(path)) {
            String key = e.segments().get(e.segments().size() - 1);
            if (canonicalKnown.containsKey(key)) {
                continue;
            }
            Optional<String> closest = Spelling.closest(key, canonicalKnown.keySet()).map(canonicalKnown::get);
            String spelled = key.toLowerCase(Locale.ROOT).replace('_', '-');
            fail(e.origin() + ": " + header() + " key \"" + spelled + "\" is unknown"
                    + closest.map(c -> " (did you mean \"" + c + "\"?)").orElse(validKeys(known, hint)), null);
        }
    }

    @Override
    public Set<String> keys() {
        Set<String> names = new java.util.LinkedHashSet<>();
        Set<String> canonical = new java.util.HashSet<>();
        document.table(path).ifPresent(t -> {
            for (String key : t.keySet()) {
                if (!(t.get(List.of(key)) instanceof TomlTable)) {
                    names.add(key);
                    canonical.add(Overrides.canonical(key));
                }
            }
        });
        for (Overrides.Entry e : document.overrides().keysOf(path)) {
            String key = e.segments().get(e.segments().size() - 1);
            if (canonical.add(key)) {
                names.add(key.toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        return names;
    }

    @Override
    public Set<String> subsections() {
        Set<String> names = new java.util.LinkedHashSet<>();
        document.table(path).ifPresent(t -> {
            for (String key : t.keySet()) {
                if (t.get(List.of(key)) instanceof TomlTable) {
                    names.add(key);
                }
            }
        });
        List<String> prefix = Overrides.canonical(path);
        for (Overrides.Entry e : document.overrides().all()) {
            if (e.segments().size() > prefix.size() + 1 && e.segments().subList(0, prefix.size()).equals(prefix)) {
                String name = e.segments().get(prefix.size());
                if (names.stream().noneMatch(n -> Overrides.canonical(List.of(n)).get(0).equals(name))) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Override
    public ConfigSection subsection(String name) {
        return new TomlSection(document, pathOf(name), problems);
    }

    @Override
    public void rejectUnknownSubsections(Set<String> known, String what) {
        Optional<TomlTable> table = document.table(path);
        if (table.isPresent()) {
            for (String key : table.get().keySet()) {
                if (table.get().get(List.of(key)) instanceof TomlTable && !known.contains(key)) {
                    fail(document.origin(pathOf(key)) + ": [" + path() + "." + key + "] names " + what + " \"" + key
                            + "\", which does not exist" + suggestion(key, known, ""), null);
                }
            }
        }
        Map<String, String> canonicalKnown = new LinkedHashMap<>();
        for (String k : known) {
            canonicalKnown.put(Overrides.canonical(List.of(k)).get(0), k);
        }
        List<String> prefix = Overrides.canonical(path);
        for (Overrides.Entry e : document.overrides().all()) {
            if (e.segments().size() > prefix.size() + 1 && e.segments().subList(0, prefix.size()).equals(prefix)) {
                String name = e.segments().get(prefix.size());
                if (!canonicalKnown.containsKey(name)) {
                    fail(e.origin() + ": [" + path() + "." + name + "] names " + what + " \"" + name + "\", which does not"
                            + " exist" + suggestion(name, canonicalKnown.keySet(), ""), null);
                }
            }
        }
    }

    private static String suggestion(String key, Set<String> known, String hint) {
        String dym = Spelling.didYouMean(key, known);
        return dym.isEmpty() ? validKeys(known, hint) : dym;
    }

    private static String validKeys(Set<String> known, String hint) {
        if (!hint.isEmpty()) {
            return " (" + hint + ")";
        }
        return known.isEmpty() ? "" : " (valid keys: " + String.join(", ", known.stream().sorted().toList()) + ")";
    }

    /** How a value reads in a message: {@code string "five"}, {@code integer 5}. */
    static String describe(Object value) {
        return switch (value) {
            case String s -> "string \"" + s + "\"";
            case Long l -> "integer " + l;
            case Double d -> "float " + d;
            case Boolean b -> "boolean " + b;
            case TomlArray a -> "an array of " + a.size();
            case TomlTable t -> "a table";
            default -> "date-time " + value;
        };
    }
}
