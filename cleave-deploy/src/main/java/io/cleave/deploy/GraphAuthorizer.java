package io.cleave.deploy;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import io.cleave.transport.Authorizer;
import io.cleave.transport.Identity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Calls only along the component graph: a component may be called by the groups hosting a
 * component whose constructor asks for it (directly or through a {@code Ref}), by the groups
 * hosting a publisher of events it {@code @Subscribe}s to (their relays deliver them), and by the
 * deployment itself (the supervisor, whose stubs serve the application's tests and
 * {@code App.component(...)}). The graph is the one the annotation processor recorded, the same
 * in every process.
 */
final class GraphAuthorizer implements Authorizer {

    /** Per component, the groups that may call it. */
    private final Map<String, Set<String>> callers;
    private final Set<String> groups;

    private GraphAuthorizer(Map<String, Set<String>> callers, Set<String> groups) {
        this.callers = callers;
        this.groups = groups;
    }

    static GraphAuthorizer of(List<ComponentDescriptor<?>> components, Plan plan) {
        Map<Class<?>, String> nameOfType = new HashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        for (ComponentDescriptor<?> c : components) {
            nameOfType.put(c.type(), c.name());
        }
        for (Plan.Group g : plan.groups()) {
            g.components().forEach(c -> groupOf.put(c, g.name()));
        }
        Map<String, Set<String>> callers = new LinkedHashMap<>();
        components.forEach(c -> callers.put(c.name(), new TreeSet<>()));
        for (ComponentDescriptor<?> caller : components) {
            for (Dependency d : caller.dependencies()) {
                Class<?> type = d instanceof Dependency.OnComponent on ? on.type() : d instanceof Dependency.OnRef on ? on.type() : null;
                String callee = type == null ? null : nameOfType.get(type);
                if (callee != null && groupOf.containsKey(caller.name())) {
                    callers.get(callee).add(groupOf.get(caller.name()));
                }
            }
        }
        // a publisher's relay calls the subscribers of the events it publishes
        for (ComponentDescriptor<?> publisher : components) {
            for (Dependency d : publisher.dependencies()) {
                if (d instanceof Dependency.OnService on && on.type() == io.cleave.Events.class && on.typeArguments().size() == 1
                        && groupOf.containsKey(publisher.name())) {
                    Class<?> event = encodedType(on.typeArguments().get(0));
                    for (ComponentDescriptor<?> subscriber : components) {
                        if (subscribes(subscriber.type(), event)) {
                            callers.get(subscriber.name()).add(groupOf.get(publisher.name()));
                        }
                    }
                }
            }
        }
        callers.replaceAll((k, v) -> Set.copyOf(v));
        return new GraphAuthorizer(Map.copyOf(callers), Set.copyOf(groupOf.values()));
    }

    /** The type a generated codec encodes ({@code X_Codec implements Codec<X>}); null if it does not say. */
    private static Class<?> encodedType(io.cleave.spi.Codec<?> codec) {
        for (java.lang.reflect.Type t : codec.getClass().getGenericInterfaces()) {
            if (t instanceof java.lang.reflect.ParameterizedType p && p.getRawType() == io.cleave.spi.Codec.class
                    && p.getActualTypeArguments()[0] instanceof Class<?> type) {
                return type;
            }
        }
        return null;
    }

    /** Whether a component interface has an {@code @Subscribe} method taking the event type. */
    private static boolean subscribes(Class<?> component, Class<?> event) {
        for (java.lang.reflect.Method m : component.getMethods()) {
            if (m.isAnnotationPresent(io.cleave.Subscribe.class) && m.getParameterCount() == 2 && m.getParameterTypes()[0] == event) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<String> refusal(Identity caller, String component) {
        if (caller.isDeployment()) {
            return Optional.empty();
        }
        String group = caller.group().orElseThrow();
        Set<String> allowed = callers.getOrDefault(component, Set.of());
        if (allowed.contains(group)) {
            return Optional.empty();
        }
        String who = allowed.isEmpty() ? "no component's constructor asks for " + component + ", so only the supervisor may call it"
                : "only " + String.join(", ", new TreeSet<>(allowed)) + " (hosting a component whose constructor asks for "
                        + component + ") and the supervisor may call it";
        return Optional.of((groups.contains(group) ? "" : "there is no group " + group + " in this deployment; ") + who);
    }

    /** @return the groups that may call each component; for tests and status */
    Map<String, Set<String>> callers() {
        return callers;
    }
}
