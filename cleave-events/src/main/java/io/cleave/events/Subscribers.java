package io.cleave.events;

import io.cleave.Subscribe;
import io.cleave.spi.Codec;
import io.cleave.spi.ComponentDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application's {@link Subscribe} methods, by the event type they take. Read once at start
 * from the component interfaces the processor checked; deliveries call the methods through the
 * reference this process has to the subscribing component.
 */
final class Subscribers {

    /**
     * One subscriber method.
     *
     * @param name {@code Component.method}, as recorded in the outbox
     * @param component the subscribing component's interface
     * @param method the method
     * @param event the event type, the method's first parameter
     * @param codec the event type's codec, generated for the method's parameter; empty if the
     *     component descriptor has none (hand-written descriptors)
     */
    record Subscriber(String name, Class<?> component, Method method, Class<?> event, Optional<Codec<?>> codec) {
    }

    private final Map<Class<?>, List<Subscriber>> byEvent = new LinkedHashMap<>();
    private final Map<String, Subscriber> byName = new LinkedHashMap<>();

    Subscribers(List<ComponentDescriptor<?>> components) {
        for (ComponentDescriptor<?> c : components) {
            for (Method m : c.type().getMethods()) {
                if (m.isAnnotationPresent(Subscribe.class) && m.getParameterCount() == 2) {
                    Class<?> event = m.getParameterTypes()[0];
                    Optional<Codec<?>> codec = c.methods().stream()
                            .filter(d -> d.name().equals(m.getName()) && d.parameters().size() == 2)
                            .<Codec<?>>map(d -> d.parameters().get(0))
                            .filter(k -> typeOrNull(k) == event)
                            .findFirst();
                    Subscriber s = new Subscriber(c.name() + "." + m.getName(), c.type(), m, event, codec);
                    byEvent.computeIfAbsent(m.getParameterTypes()[0], k -> new ArrayList<>()).add(s);
                    byName.put(s.name(), s);
                }
            }
        }
    }

    /** @return the subscribers of an event type, in the order of the components; empty for none */
    List<Subscriber> of(Class<?> event) {
        return byEvent.getOrDefault(event, List.of());
    }

    /** @return the subscriber methods of one component, by its name; empty for none */
    List<Subscriber> ofComponent(String component) {
        return byName.values().stream().filter(s -> s.name().startsWith(component + ".")).toList();
    }

    /** @return the subscriber recorded under a name, or null when the application has none such (any more) */
    Subscriber named(String name) {
        return byName.get(name);
    }

    /**
     * The type a generated codec encodes: {@code OrderConfirmed} for {@code OrderConfirmed_Codec
     * implements Codec<OrderConfirmed>}.
     *
     * @throws IllegalArgumentException if the codec does not name its type
     */
    static Class<?> typeOf(Codec<?> codec) {
        for (Class<?> k = codec.getClass(); k != null; k = k.getSuperclass()) {
            for (Type t : k.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == Codec.class
                        && p.getActualTypeArguments()[0] instanceof Class<?> type) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException(codec.getClass().getName() + " does not say which type it encodes");
    }

    private static Class<?> typeOrNull(Codec<?> codec) {
        try {
            return typeOf(codec);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
