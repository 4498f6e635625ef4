package io.cleave.runtime;

import io.cleave.StartupException;
import io.cleave.spi.AppOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * The parsed {@code cleave.toml} with its overrides: the one source every configuration section
 * reads from.
 */
final class ConfigDocument {

    static final String TEXT_LABEL = "<config text>";

    private final String label;
    private final TomlTable root;
    private final Overrides overrides;
    private final boolean found;

    private ConfigDocument(String label, TomlTable root, Overrides overrides, boolean found) {
        this.label = label;
        this.root = root;
        this.overrides = overrides;
        this.found = found;
    }

    /**
     * Reads the configuration the options name: a file, a text, or else {@code cleave.toml} in
     * the working directory or on the class path. Syntax errors go to {@code problems}.
     *
     * @throws StartupException if a named file cannot be read
     */
    static ConfigDocument load(AppOptions options, Path workingDirectory, ClassLoader loader, Overrides overrides,
            Problems problems) {
        if (options.configFile().isPresent()) {
            Path file = options.configFile().get();
            Path resolved = workingDirectory.resolve(file);
            if (!Files.isRegularFile(resolved)) {
                throw new StartupException("config file " + file + " does not exist"
                        + (file.isAbsolute() ? "" : " (resolved against " + workingDirectory.toAbsolutePath() + ")"));
            }
            return parse(file.toString(), read(file, resolved), overrides, problems);
        }
        if (options.configText().isPresent()) {
            return parse(TEXT_LABEL, options.configText().get(), overrides, problems);
        }
        Path local = workingDirectory.resolve("cleave.toml");
        if (Files.isRegularFile(local)) {
            return parse("cleave.toml", read(Path.of("cleave.toml"), local), overrides, problems);
        }
        URL resource = loader.getResource("cleave.toml");
        if (resource != null) {
            try (InputStream in = resource.openStream()) {
                return parse(labelOf(resource), new String(in.readAllBytes(), StandardCharsets.UTF_8), overrides, problems);
            } catch (IOException e) {
                throw new StartupException("cannot read " + resource + ": " + e.getMessage(), e);
            }
        }
        return new ConfigDocument("cleave.toml (not found in " + workingDirectory.toAbsolutePath()
                + " nor on the class path)", Toml.parse(""), overrides, false);
    }

    /** Parses configuration text; used for tests and by {@link #load}. */
    static ConfigDocument parse(String label, String text, Overrides overrides, Problems problems) {
        TomlParseResult result = Toml.parse(text);
        for (TomlParseError error : result.errors()) {
            problems.add(label + ":" + error.position().line() + ": " + error.getMessage());
        }
        return new ConfigDocument(label, result, overrides, true);
    }

    private static String read(Path named, Path resolved) {
        try {
            return Files.readString(resolved, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StartupException("cannot read config file " + named + ": " + e.getMessage(), e);
        }
    }

    private static String labelOf(URL resource) {
        if ("file".equals(resource.getProtocol())) {
            try {
                return Path.of(resource.toURI()).toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                return resource.toString();
            }
        }
        return "cleave.toml (class path: " + resource + ")";
    }

    /** Whether a file or text was found; false when running on overrides alone. */
    boolean found() {
        return found;
    }

    String label() {
        return label;
    }

    Overrides overrides() {
        return overrides;
    }

    /** The table at this path, if the file has one. */
    Optional<TomlTable> table(List<String> path) {
        if (path.isEmpty()) {
            return Optional.of(root);
        }
        Object value = root.get(path);
        return value instanceof TomlTable t ? Optional.of(t) : Optional.empty();
    }

    /** {@code label:line} of the key at this path, or the label alone. */
    String origin(List<String> path) {
        TomlPosition position = path.isEmpty() ? null : root.inputPositionOf(path);
        return position == null ? label : label + ":" + position.line();
    }

    /** A section for component binding: errors are collected, not thrown. */
    TomlSection collectingSection(List<String> path, Problems problems) {
        return new TomlSection(this, path, problems);
    }

    /**
     * Whether the file has the top-level table, or an override sets a key in it.
     *
     * @param name a top-level section's name, such as {@code gateway}
     */
    boolean hasSection(String name) {
        return root.get(List.of(name)) instanceof TomlTable
                || overrides.all().stream().anyMatch(e -> Overrides.canonical(e.segments().get(0)).equals(Overrides.canonical(name)));
    }

    /** A section for service providers: errors are thrown as {@link io.cleave.spi.ConfigSection.ConfigError}. */
    TomlSection section(List<String> path) {
        return new TomlSection(this, path, null);
    }

    /**
     * Reports top-level keys outside any table and tables or overrides that name neither a
     * component nor a known section.
     */
    void checkSections(Collection<String> components, Collection<String> knownSections, Problems problems) {
        List<String> valid = new ArrayList<>(components);
        valid.addAll(knownSections);
        for (String key : root.keySet()) {
            Object value = root.get(List.of(key));
            String origin = origin(List.of(key));
            if (!(value instanceof TomlTable)) {
                problems.add(origin + ": key \"" + key + "\" is outside any table; put it in a section such as [app]");
            } else if (!valid.contains(key)) {
                problems.add(origin + ": [" + key + "] is neither a component nor a known section"
                        + Spelling.didYouMean(key, valid) + hint(components));
            }
        }
        Map<String, String> canonicalNames = new LinkedHashMap<>();
        for (String name : valid) {
            canonicalNames.putIfAbsent(Overrides.canonical(name), name);
        }
        for (Overrides.Entry entry : overrides.all()) {
            String first = entry.segments().get(0);
            if (!canonicalNames.containsKey(first)) {
                String suggestion = Spelling.closest(first, canonicalNames.keySet())
                        .map(c -> " (did you mean \"" + canonicalNames.get(c) + "\"?)").orElse("");
                problems.add(entry.origin() + ": section \"" + first + "\" is neither a component nor a known section"
                        + suggestion + hint(components));
            }
        }
    }

    private static String hint(Collection<String> components) {
        return components.isEmpty() ? "; this application has no components"
                : "; components: " + String.join(", ", components);
    }
}
