package io.cleave.runtime;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import io.cleave.spi.Registry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The components of the application and the dependencies between them, checked: unique
 * names, every dependency a known component, no cycle that a {@link io.cleave.Ref} does not
 * break. {@link #ordered()} lists dependencies before their dependents.
 */
final class ComponentGraph {

    private final Map<String, ComponentDescriptor<?>> byName;
    private final Map<Class<?>, ComponentDescriptor<?>> byType;
    private final List<ComponentDescriptor<?>> ordered;

    private ComponentGraph(Map<String, ComponentDescriptor<?>> byName, Map<Class<?>, ComponentDescriptor<?>> byType,
            List<ComponentDescriptor<?>> ordered) {
        this.byName = byName;
        this.byType = byType;
        this.ordered = ordered;
    }

    /** Builds the graph from the registries, reporting every problem. */
    static ComponentGraph of(List<Registry> registries, Problems problems) {
        Map<String, ComponentDescriptor<?>> byName = new LinkedHashMap<>();
        Map<Class<?>, ComponentDescriptor<?>> byType = new HashMap<>();
        for (Registry registry : registries) {
            for (ComponentDescriptor<?> c : registry.components()) {
                ComponentDescriptor<?> sameName = byName.get(c.name());
                if (sameName != null) {
                    problems.add("two components are named \"" + c.name() + "\": " + describe(sameName) + " and "
                            + describe(c) + (sameName.type() == c.type()
                                    ? "; the interface is described by two registries (is its module on the class path twice?)"
                                    : "; give one of them another name with @Component(name = ...)"));
                    continue;
                }
                ComponentDescriptor<?> sameType = byType.get(c.type());
                if (sameType != null) {
                    problems.add("component interface " + c.type().getName() + " is described twice, as \"" + sameType.name()
                            + "\" and \"" + c.name() + "\"");
                    continue;
                }
                byName.put(c.name(), c);
                byType.put(c.type(), c);
            }
        }
        for (ComponentDescriptor<?> c : byName.values()) {
            for (Dependency d : c.dependencies()) {
                Class<?> wanted = switch (d) {
                    case Dependency.OnComponent on -> on.type();
                    case Dependency.OnRef on -> on.type();
                    default -> null;
                };
                if (wanted != null && !byType.containsKey(wanted)) {
                    problems.add("component " + c.name() + ": constructor parameter \"" + d.parameter() + "\" needs "
                            + wanted.getName() + ", which is not a component of this application"
                            + suggestType(wanted, byType) + " (is it annotated @Component, and is the module that"
                            + " implements it on the class path?)");
                }
            }
        }
        List<ComponentDescriptor<?>> ordered = new Sorter(byType, problems).sort(byName.values());
        return new ComponentGraph(byName, byType, ordered);
    }

    private static String describe(ComponentDescriptor<?> c) {
        return c.type().getName() + " (implemented by " + c.implementation().getName() + ")";
    }

    private static String suggestType(Class<?> wanted, Map<Class<?>, ComponentDescriptor<?>> byType) {
        Map<String, String> simple = new LinkedHashMap<>();
        byType.keySet().forEach(t -> simple.put(t.getSimpleName(), t.getName()));
        return Spelling.closest(wanted.getSimpleName(), simple.keySet())
                .map(s -> " (did you mean " + simple.get(s) + "?)").orElse("");
    }

    /** Every component, dependencies first; meaningful only when no problem was reported. */
    List<ComponentDescriptor<?>> ordered() {
        return ordered;
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    Optional<ComponentDescriptor<?>> byType(Class<?> type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Depth-first topological sort that reports each cycle it meets. */
    private static final class Sorter {
        private final Map<Class<?>, ComponentDescriptor<?>> byType;
        private final Problems problems;
        private final Map<ComponentDescriptor<?>, Boolean> done = new HashMap<>();
        private final List<ComponentDescriptor<?>> path = new ArrayList<>();
        private final List<Dependency.OnComponent> edges = new ArrayList<>();
        private final List<ComponentDescriptor<?>> result = new ArrayList<>();

        Sorter(Map<Class<?>, ComponentDescriptor<?>> byType, Problems problems) {
            this.byType = byType;
            this.problems = problems;
        }

        List<ComponentDescriptor<?>> sort(Iterable<ComponentDescriptor<?>> components) {
            for (ComponentDescriptor<?> c : components) {
                visit(c);
            }
            return List.copyOf(result);
        }

        private void visit(ComponentDescriptor<?> c) {
            if (done.containsKey(c)) {
                return;
            }
            int onPath = path.indexOf(c);
            if (onPath >= 0) {
                reportCycle(onPath, c);
                return;
            }
            path.add(c);
            for (Dependency d : c.dependencies()) {
                if (d instanceof Dependency.OnComponent on && byType.containsKey(on.type())) {
                    edges.add(on);
                    visit(byType.get(on.type()));
                    edges.remove(edges.size() - 1);
                }
            }
            path.remove(path.size() - 1);
            done.put(c, Boolean.TRUE);
            result.add(c);
        }

        private void reportCycle(int from, ComponentDescriptor<?> again) {
            StringBuilder cycle = new StringBuilder();
            for (int i = from; i < path.size(); i++) {
                cycle.append(path.get(i).name()).append(" -> ");
            }
            cycle.append(again.name());
            ComponentDescriptor<?> last = path.get(path.size() - 1);
            Dependency.OnComponent closing = edges.get(edges.size() - 1);
            problems.add("dependency cycle: " + cycle + "; break it with a lazy reference: in " + last.name()
                    + "'s constructor take Ref<" + again.type().getSimpleName() + "> instead of "
                    + again.type().getSimpleName() + " (parameter \"" + closing.parameter() + "\")");
        }
    }
}
