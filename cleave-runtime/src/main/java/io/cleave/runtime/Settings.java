package io.cleave.runtime;

import io.cleave.runtime.spi.Topology;
import io.cleave.spi.AppOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.tomlj.TomlArray;

/**
 * The runtime's own sections of {@code cleave.toml}: {@code [app]}, {@code [single]} and the
 * topology part of {@code [multi]}.
 *
 * @param name the application's name
 * @param deployer the chosen deployer's name
 * @param dataDirectory where the application keeps local files
 * @param serializeCalls whether in-process calls are encoded and decoded
 * @param topology groups and replicas for the multi-process deployers
 */
record Settings(String name, String deployer, Path dataDirectory, boolean serializeCalls, Topology topology) {

    static final String DEFAULT_DEPLOYER = "single";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Reads and validates the sections; every problem goes to {@code problems}. */
    static Settings read(ConfigDocument document, AppOptions options, Collection<String> components,
            Collection<String> deployers, Problems problems) {
        TomlSection app = document.collectingSection(List.of("app"), problems);
        app.rejectUnknown(Set.of("name", "deployer", "data-dir"));
        String name = "";
        if (!app.has("name") && !document.found()) {
            problems.add(document.label() + ": there is no configuration; pass --config=FILE, or set at least app.name");
        } else {
            name = app.string("name");
            if (!name.isEmpty() && !NAME.matcher(name).matches()) {
                problems.add(app.value("name").map(TomlSection.Value::origin).orElse(document.label())
                        + ": [app] key \"name\" must start with a letter or digit and hold only letters, digits, '.', '_' and '-', got \""
                        + name + "\"");
            }
        }
        String deployer = options.deployer().orElseGet(() -> app.has("deployer") ? app.string("deployer") : DEFAULT_DEPLOYER);
        if (!deployers.contains(deployer)) {
            String where = options.deployer().isPresent() ? "deployer(\"" + deployer + "\")"
                    : app.value("deployer").map(TomlSection.Value::origin).orElse(document.label()) + ": [app] key \"deployer\"";
            problems.add(where + ": there is no deployer named \"" + deployer + "\"" + Spelling.didYouMean(deployer, deployers)
                    + "; available: " + String.join(", ", deployers));
        }
        Path dataDirectory = app.has("data-dir") ? Path.of(app.string("data-dir")) : Path.of("data", name);

        TomlSection single = document.collectingSection(List.of("single"), problems);
        single.rejectUnknown(Set.of("serialize-calls"));
        boolean serialize = options.serializeCalls() || (single.has("serialize-calls") && single.bool("serialize-calls"));

        return new Settings(name, deployer, dataDirectory, serialize, topology(document, components, problems));
    }

    private static Topology topology(ConfigDocument document, Collection<String> components, Problems problems) {
        TomlSection multi = document.collectingSection(List.of("multi"), problems);
        List<List<String>> groups = new ArrayList<>();
        Optional<TomlSection.Value> found = multi.value("groups");
        if (found.isPresent()) {
            TomlSection.Value v = found.get();
            String where = v.origin() + ": [multi] groups";
            if (!(v.value() instanceof TomlArray outer)) {
                problems.add(where + " must be an array of arrays of component names, such as [[\"Cart\", \"Checkout\"], [\"Catalog\"]], got "
                        + TomlSection.describe(v.value()));
            } else {
                Map<String, Integer> groupOf = new LinkedHashMap<>();
                for (int i = 0; i < outer.size(); i++) {
                    List<String> group = group(outer.get(i), i + 1, where, components, groupOf, problems);
                    if (!group.isEmpty()) {
                        groups.add(group);
                    }
                }
            }
        }
        Map<String, Integer> replicas = new LinkedHashMap<>();
        TomlSection counts = document.collectingSection(List.of("multi", "replicas"), problems);
        counts.rejectUnknown(Set.copyOf(components), components.isEmpty() ? "this application has no components"
                : "keys are component names: " + String.join(", ", components));
        for (String component : components) {
            if (counts.has(component)) {
                int n = counts.int32(component);
                if (n < 1) {
                    problems.add(counts.value(component).map(TomlSection.Value::origin).orElse(document.label())
                            + ": [multi.replicas] " + component + " must be at least 1, got " + n);
                } else {
                    replicas.put(component, n);
                }
            }
        }
        return new Topology(groups, replicas);
    }

    private static List<String> group(Object entry, int number, String where, Collection<String> components,
            Map<String, Integer> groupOf, Problems problems) {
        String at = where + " entry " + number;
        if (!(entry instanceof TomlArray array)) {
            problems.add(at + " must be an array of component names, got " + TomlSection.describe(entry));
            return List.of();
        }
        if (array.isEmpty()) {
            problems.add(at + " is empty; a group names at least one component");
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < array.size(); j++) {
            Object item = array.get(j);
            if (!(item instanceof String name)) {
                problems.add(at + " must hold component names (strings), got " + TomlSection.describe(item));
                continue;
            }
            if (!components.contains(name)) {
                problems.add(at + " names unknown component \"" + name + "\"" + Spelling.didYouMean(name, components)
                        + (components.isEmpty() ? "" : "; components: " + String.join(", ", components)));
                continue;
            }
            Integer previous = groupOf.putIfAbsent(name, number);
            if (previous != null) {
                problems.add(at + " names component \"" + name + "\", which entry " + previous
                        + " already names; a component runs in one group");
                continue;
            }
            names.add(name);
        }
        return names;
    }
}
