package io.cleave.codegen;

import io.cleave.spi.Codec;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;

/** Access to classes of a test compilation, which the test itself cannot name. */
final class Generated {

    private final ClassLoader loader;

    Generated(ClassLoader loader) {
        this.loader = loader;
    }

    Class<?> type(String name) {
        try {
            return loader.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("not generated or compiled: " + name, e);
        }
    }

    Object staticField(String type, String field) {
        try {
            return type(type).getField(field).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    Codec<Object> codec(String record) {
        return (Codec<Object>) staticField(record + "_Codec", "INSTANCE");
    }

    @SuppressWarnings("unchecked")
    ComponentDescriptor<Object> descriptor(String component) {
        return (ComponentDescriptor<Object>) staticField(component + "_Cleave", "DESCRIPTOR");
    }

    /** Calls a public static method of a compiled class. */
    Object callStatic(String type, String method, Object... arguments) {
        for (Method m : type(type).getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == arguments.length) {
                return invoke(m, null, arguments);
            }
        }
        throw new AssertionError("no method " + type + "." + method);
    }

    /** Calls a public instance method by name (not overloaded in the samples), unwrapping what it throws. */
    static Object call(Object target, Class<?> type, String method, Object... arguments) throws Throwable {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == arguments.length) {
                try {
                    return m.invoke(target, arguments);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + type.getName() + "." + method);
    }

    /** Reads a record component by accessor. */
    static Object field(Object record, String name) {
        try {
            if (!record.getClass().isRecord()) {
                var f = record.getClass().getDeclaredField(name);
                f.setAccessible(true);
                return f.get(record);
            }
            Method accessor = record.getClass().getMethod(name);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object invoke(Method m, Object target, Object... arguments) {
        try {
            return m.invoke(target, arguments);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] encode(Codec<Object> codec, Object value) {
        Writer out = new Writer(16);
        codec.write(out, value);
        return out.toByteArray();
    }

    static Object decode(Codec<Object> codec, byte[] bytes) {
        Reader in = new Reader(bytes);
        Object value = codec.read(in);
        if (in.hasMore()) {
            throw new AssertionError(in.remaining() + " bytes left after decoding");
        }
        return value;
    }

    /** Deep comparison: arrays by content, values with exact equals (BigDecimal keeps its scale). */
    static RecursiveComparisonConfiguration exact() {
        return RecursiveComparisonConfiguration.builder()
                // sets: same elements in the same (encounter) order
                .withEqualsForFields((a, b) -> java.util.List.copyOf((java.util.Set<?>) a)
                        .equals(java.util.List.copyOf((java.util.Set<?>) b)), "history")
                .withEqualsForType(Object::equals, BigDecimal.class)
                .withEqualsForType(Object::equals, BigInteger.class)
                .withEqualsForType(Object::equals, Instant.class)
                .withEqualsForType(Object::equals, Duration.class)
                .withEqualsForType(Object::equals, UUID.class)
                .withEqualsForType(Object::equals, String.class)
                .build();
    }
}
