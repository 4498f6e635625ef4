package io.cleave.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The built-in codecs: primitives (shared by their boxes), {@code String}, {@code byte[]},
 * {@link Instant}, {@link Duration}, {@link BigDecimal}, {@link UUID}, enums, and the
 * collections {@code List}, {@code Set}, {@code Map} and {@code Optional} of supported types.
 * Decoded collections are unmodifiable; sets and maps keep encounter order.
 */
public final class Codecs {

    private Codecs() {
    }

    /** For {@code void} results: nothing is written. */
    public static final Codec<Void> VOID = new Codec<>() {
        @Override
        public int wireType() {
            return Wire.LEN;
        }

        @Override
        public void write(Writer out, Void value) {
            throw new IllegalStateException("void has no values");
        }

        @Override
        public Void read(Reader in) {
            throw new CodecException("a value where void was expected");
        }
    };

    /** {@code boolean} and {@code Boolean}. */
    public static final Codec<Boolean> BOOLEAN = new Varint<>(Boolean.FALSE) {
        @Override
        public void write(Writer out, Boolean value) {
            out.writeRawByte(value ? 1 : 0);
        }

        @Override
        public Boolean read(Reader in) {
            return in.readVarint64() != 0;
        }
    };

    /** {@code byte} and {@code Byte}. */
    public static final Codec<Byte> BYTE = new Varint<>((byte) 0) {
        @Override
        public void write(Writer out, Byte value) {
            out.writeSInt32(value);
        }

        @Override
        public Byte read(Reader in) {
            return (byte) in.readSInt32();
        }
    };

    /** {@code short} and {@code Short}. */
    public static final Codec<Short> SHORT = new Varint<>((short) 0) {
        @Override
        public void write(Writer out, Short value) {
            out.writeSInt32(value);
        }

        @Override
        public Short read(Reader in) {
            return (short) in.readSInt32();
        }
    };

    /** {@code char} and {@code Character}. */
    public static final Codec<Character> CHAR = new Varint<>((char) 0) {
        @Override
        public void write(Writer out, Character value) {
            out.writeVarint32(value);
        }

        @Override
        public Character read(Reader in) {
            return (char) in.readVarint32();
        }
    };

    /** {@code int} and {@code Integer}. */
    public static final Codec<Integer> INT = new Varint<>(0) {
        @Override
        public void write(Writer out, Integer value) {
            out.writeSInt32(value);
        }

        @Override
        public Integer read(Reader in) {
            return in.readSInt32();
        }
    };

    /** {@code long} and {@code Long}. */
    public static final Codec<Long> LONG = new Varint<>(0L) {
        @Override
        public void write(Writer out, Long value) {
            out.writeSInt64(value);
        }

        @Override
        public Long read(Reader in) {
            return in.readSInt64();
        }
    };

    /** {@code float} and {@code Float}. */
    public static final Codec<Float> FLOAT = new Codec<>() {
        @Override
        public int wireType() {
            return Wire.FIXED32;
        }

        @Override
        public void write(Writer out, Float value) {
            out.writeFixed32(Float.floatToRawIntBits(value));
        }

        @Override
        public Float read(Reader in) {
            return Float.intBitsToFloat(in.readFixed32());
        }

        @Override
        public Float absent() {
            return 0f;
        }
    };

    /** {@code double} and {@code Double}. */
    public static final Codec<Double> DOUBLE = new Codec<>() {
        @Override
        public int wireType() {
            return Wire.FIXED64;
        }

        @Override
        public void write(Writer out, Double value) {
            out.writeFixed64(Double.doubleToRawLongBits(value));
        }

        @Override
        public Double read(Reader in) {
            return Double.longBitsToDouble(in.readFixed64());
        }

        @Override
        public Double absent() {
            return 0d;
        }
    };

    /** {@code String}, as UTF-8. */
    public static final Codec<String> STRING = new Len<>() {
        @Override
        public void write(Writer out, String value) {
            out.writeString(value);
        }

        @Override
        public String read(Reader in) {
            return in.readString();
        }
    };

    /** {@code byte[]}; decoding copies. */
    public static final Codec<byte[]> BYTES = new Len<>() {
        @Override
        public void write(Writer out, byte[] value) {
            out.writeBytes(value);
        }

        @Override
        public byte[] read(Reader in) {
            return in.readBytes();
        }
    };

    /** {@link Instant}: seconds and nanoseconds. */
    public static final Codec<Instant> INSTANT = new Len<>() {
        @Override
        public void write(Writer out, Instant value) {
            writeSecondsAndNanos(out, value.getEpochSecond(), value.getNano());
        }

        @Override
        public Instant read(Reader in) {
            int limit = in.beginLen();
            long seconds = in.readSInt64();
            int nanos = in.readVarint32();
            in.endLen(limit);
            try {
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                throw new CodecException("invalid Instant " + seconds + "s " + nanos + "ns at byte " + in.position());
            }
        }
    };

    /** {@link Duration}: seconds and nanoseconds. */
    public static final Codec<Duration> DURATION = new Len<>() {
        @Override
        public void write(Writer out, Duration value) {
            writeSecondsAndNanos(out, value.getSeconds(), value.getNano());
        }

        @Override
        public Duration read(Reader in) {
            int limit = in.beginLen();
            long seconds = in.readSInt64();
            int nanos = in.readVarint32();
            in.endLen(limit);
            return Duration.ofSeconds(seconds, nanos);
        }
    };

    /** {@link BigInteger}: two's-complement bytes. */
    public static final Codec<BigInteger> BIG_INTEGER = new Len<>() {
        @Override
        public void write(Writer out, BigInteger value) {
            out.writeBytes(value.toByteArray());
        }

        @Override
        public BigInteger read(Reader in) {
            byte[] bytes = in.readBytes();
            if (bytes.length == 0) {
                throw new CodecException("empty BigInteger at byte " + in.position());
            }
            return new BigInteger(bytes);
        }
    };

    /**
     * {@link BigDecimal}: scale and unscaled value, exactly. One varint carries the zig-zag scale
     * and the form of the unscaled value (bit 0: {@code 0} a zig-zag varint, {@code 1}
     * two's-complement bytes, used beyond 18 digits), so a price such as {@code 19.99} takes four bytes
     * after its length.
     */
    public static final Codec<BigDecimal> BIG_DECIMAL = new Len<>() {
        @Override
        public void write(Writer out, BigDecimal value) {
            int scale = value.scale();
            long header = (((long) ((scale << 1) ^ (scale >> 31))) & 0xffffffffL) << 1;
            // Up to 18 digits the unscaled value fits a long, which BigDecimal holds as is:
            // scaling it to 0 and reading it as a long creates no BigInteger.
            if (value.precision() <= 18) {
                long v = value.scaleByPowerOfTen(scale).longValue();
                long zigzag = (v << 1) ^ (v >> 63);
                // at most 5 + 10 bytes: the length fits one byte
                out.writeRawByte(Writer.varint64Size(header) + Writer.varint64Size(zigzag));
                out.writeVarint64(header);
                out.writeVarint64(zigzag);
            } else {
                int mark = out.beginLen();
                out.writeVarint64(header | 1);
                out.writeBytes(value.unscaledValue().toByteArray());
                out.endLen(mark);
            }
        }

        @Override
        public BigDecimal read(Reader in) {
            int limit = in.beginLen();
            long header = in.readVarint64();
            if ((header >>> 33) != 0) {
                throw new CodecException("BigDecimal scale out of range at byte " + in.position());
            }
            int zigzag = (int) (header >>> 1);
            int scale = (zigzag >>> 1) ^ -(zigzag & 1);
            BigDecimal result = (header & 1) == 0
                    ? BigDecimal.valueOf(in.readSInt64(), scale)
                    : new BigDecimal(BIG_INTEGER.read(in), scale);
            in.endLen(limit);
            return result;
        }
    };

    /** {@link UUID}: sixteen bytes. */
    public static final Codec<UUID> UUID_CODEC = new Len<>() {
        @Override
        public void write(Writer out, UUID value) {
            out.writeRawByte(16);
            out.writeFixed64(value.getMostSignificantBits());
            out.writeFixed64(value.getLeastSignificantBits());
        }

        @Override
        public UUID read(Reader in) {
            int limit = in.beginLen();
            long most = in.readFixed64();
            UUID id = new UUID(most, in.readFixed64());
            in.endLen(limit);
            return id;
        }
    };

    /**
     * An enum, by constant name, so that reordering or adding constants stays compatible.
     *
     * @param type the enum class
     * @param <E> the enum type
     * @return its codec
     */
    public static <E extends Enum<E>> Codec<E> enumOf(Class<E> type) {
        E[] constants = type.getEnumConstants();
        byte[][] names = new byte[constants.length][];
        for (E constant : constants) {
            names[constant.ordinal()] = constant.name().getBytes(StandardCharsets.UTF_8);
        }
        return new Len<>() {
            @Override
            public void write(Writer out, E value) {
                out.writeBytes(names[value.ordinal()]);
            }

            @Override
            public E read(Reader in) {
                int ordinal = in.readChoice(names);
                if (ordinal < 0) {
                    throw new CodecException("unknown constant " + in.readString() + " of enum " + type.getName()
                            + " at byte " + in.position());
                }
                return constants[ordinal];
            }
        };
    }

    /**
     * A list: a count, then the elements.
     *
     * @param element the elements' codec
     * @param <E> the element type
     * @return the list codec
     */
    public static <E> Codec<List<E>> list(Codec<E> element) {
        return new Len<>() {
            @Override
            public void write(Writer out, List<E> value) {
                int mark = out.beginLen();
                out.writeVarint32(value.size());
                for (E e : value) {
                    element.write(out, requireElement(e));
                }
                out.endLen(mark);
            }

            @Override
            public List<E> read(Reader in) {
                int limit = in.beginLen();
                int n = count(in);
                List<E> result = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    result.add(element.read(in));
                }
                in.endLen(limit);
                return Collections.unmodifiableList(result);
            }

            @Override
            public List<E> absent() {
                return List.of();
            }

            @Override
            public Optional<String> nullInside(List<E> value) {
                int i = 0;
                for (E e : value) {
                    Optional<String> inside = e == null ? Optional.of("") : element.nullInside(e);
                    if (inside.isPresent()) {
                        String index = "[" + i + "]";
                        return inside.map(index::concat);
                    }
                    i++;
                }
                return Optional.empty();
            }
        };
    }

    /**
     * A set, in encounter order.
     *
     * @param element the elements' codec
     * @param <E> the element type
     * @return the set codec
     */
    public static <E> Codec<Set<E>> set(Codec<E> element) {
        return new Len<>() {
            @Override
            public void write(Writer out, Set<E> value) {
                int mark = out.beginLen();
                out.writeVarint32(value.size());
                for (E e : value) {
                    element.write(out, requireElement(e));
                }
                out.endLen(mark);
            }

            @Override
            public Set<E> read(Reader in) {
                int limit = in.beginLen();
                int n = count(in);
                Set<E> result = new LinkedHashSet<>();
                for (int i = 0; i < n; i++) {
                    result.add(element.read(in));
                }
                in.endLen(limit);
                return Collections.unmodifiableSet(result);
            }

            @Override
            public Set<E> absent() {
                return Set.of();
            }

            @Override
            public Optional<String> nullInside(Set<E> value) {
                for (E e : value) {
                    Optional<String> inside = e == null ? Optional.of("") : element.nullInside(e);
                    if (inside.isPresent()) {
                        return inside.map("[an element]"::concat);
                    }
                }
                return Optional.empty();
            }
        };
    }

    /**
     * A map, in encounter order: a count, then key and value pairs.
     *
     * @param key the keys' codec
     * @param value the values' codec
     * @param <K> the key type
     * @param <V> the value type
     * @return the map codec
     */
    public static <K, V> Codec<Map<K, V>> map(Codec<K> key, Codec<V> value) {
        return new Len<>() {
            @Override
            public void write(Writer out, Map<K, V> map) {
                int mark = out.beginLen();
                out.writeVarint32(map.size());
                for (Map.Entry<K, V> e : map.entrySet()) {
                    key.write(out, requireElement(e.getKey()));
                    value.write(out, requireElement(e.getValue()));
                }
                out.endLen(mark);
            }

            @Override
            public Map<K, V> read(Reader in) {
                int limit = in.beginLen();
                int n = count(in);
                Map<K, V> result = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    K k = key.read(in);
                    result.put(k, value.read(in));
                }
                in.endLen(limit);
                return Collections.unmodifiableMap(result);
            }

            @Override
            public Map<K, V> absent() {
                return Map.of();
            }

            @Override
            public Optional<String> nullInside(Map<K, V> map) {
                for (Map.Entry<K, V> e : map.entrySet()) {
                    if (e.getKey() == null) {
                        return Optional.of("[a key]");
                    }
                    Optional<String> inside = key.nullInside(e.getKey());
                    if (inside.isPresent()) {
                        return inside.map("[a key]"::concat);
                    }
                    String at = "[" + (e.getKey() instanceof String text ? "\"" + text + "\"" : e.getKey()) + "]";
                    inside = e.getValue() == null ? Optional.of("") : value.nullInside(e.getValue());
                    if (inside.isPresent()) {
                        return inside.map(at::concat);
                    }
                }
                return Optional.empty();
            }
        };
    }

    /**
     * The same codec, but {@code null} when absent: for a boxed primitive ({@code Integer},
     * {@code Boolean}, ...) as a method's parameter or result, which, like a record's boxed
     * field, is {@code null} when the caller sent none (a primitive gets {@code 0}/{@code false}).
     *
     * @param codec the codec of the primitive
     * @param <T> the boxed type
     * @return a codec whose {@link Codec#absent()} is {@code null}
     */
    public static <T> Codec<T> nullWhenAbsent(Codec<T> codec) {
        return new Codec<>() {
            @Override
            public int wireType() {
                return codec.wireType();
            }

            @Override
            public void write(Writer out, T value) {
                codec.write(out, value);
            }

            @Override
            public T read(Reader in) {
                return codec.read(in);
            }

            @Override
            public Optional<String> nullInside(T value) {
                return codec.nullInside(value);
            }
        };
    }

    /**
     * An optional: zero or one element.
     *
     * @param element the element's codec
     * @param <E> the element type
     * @return the optional codec
     */
    public static <E> Codec<Optional<E>> optional(Codec<E> element) {
        return new Len<>() {
            @Override
            public void write(Writer out, Optional<E> value) {
                int mark = out.beginLen();
                value.ifPresent(e -> element.write(out, e));
                out.endLen(mark);
            }

            @Override
            public Optional<E> read(Reader in) {
                int limit = in.beginLen();
                Optional<E> result = in.hasMore() ? Optional.of(element.read(in)) : Optional.empty();
                in.endLen(limit);
                return result;
            }

            @Override
            public Optional<E> absent() {
                return Optional.empty();
            }

            @Override
            public Optional<String> nullInside(Optional<E> value) {
                return value.isPresent() ? element.nullInside(value.get()) : Optional.empty();
            }
        };
    }

    private static void writeSecondsAndNanos(Writer out, long seconds, int nanos) {
        long zigzag = (seconds << 1) ^ (seconds >> 63);
        out.writeRawByte(Writer.varint64Size(zigzag) + Writer.varint32Size(nanos));
        out.writeVarint64(zigzag);
        out.writeVarint32(nanos);
    }

    private static <E> E requireElement(E e) {
        if (e == null) {
            throw new NullPointerException("collections crossing a component boundary cannot hold null");
        }
        return e;
    }

    private static int count(Reader in) {
        int n = in.readVarint32();
        // Each element takes at least one byte: a larger count is malformed, and rejecting it
        // here prevents allocating for a hostile count.
        if (n < 0 || n > in.remaining()) {
            throw new CodecException("element count " + Integer.toUnsignedString(n) + " too large at byte " + in.position());
        }
        return n;
    }

    private abstract static class Varint<T> implements Codec<T> {
        private final T zero;

        Varint(T zero) {
            this.zero = zero;
        }

        @Override
        public final int wireType() {
            return Wire.VARINT;
        }

        @Override
        public final T absent() {
            return zero;
        }
    }

    private abstract static class Len<T> implements Codec<T> {
        @Override
        public final int wireType() {
            return Wire.LEN;
        }
    }
}
