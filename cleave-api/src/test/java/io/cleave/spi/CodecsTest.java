package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodecsTest {

    enum Status { NEW, PAID }

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("boolean true", Codecs.BOOLEAN, true),
                Arguments.of("boolean false", Codecs.BOOLEAN, false),
                Arguments.of("byte min", Codecs.BYTE, Byte.MIN_VALUE),
                Arguments.of("short max", Codecs.SHORT, Short.MAX_VALUE),
                Arguments.of("char non-ascii", Codecs.CHAR, 'ß'),
                Arguments.of("int min", Codecs.INT, Integer.MIN_VALUE),
                Arguments.of("int max", Codecs.INT, Integer.MAX_VALUE),
                Arguments.of("int -1", Codecs.INT, -1),
                Arguments.of("long min", Codecs.LONG, Long.MIN_VALUE),
                Arguments.of("long max", Codecs.LONG, Long.MAX_VALUE),
                Arguments.of("float", Codecs.FLOAT, -1.5e-7f),
                Arguments.of("float NaN", Codecs.FLOAT, Float.NaN),
                Arguments.of("double", Codecs.DOUBLE, Math.PI),
                Arguments.of("empty string", Codecs.STRING, ""),
                Arguments.of("ascii string", Codecs.STRING, "hello"),
                Arguments.of("unicode string", Codecs.STRING, "grüße, 世界 🎉"),
                Arguments.of("long string", Codecs.STRING, "x".repeat(100_000)),
                Arguments.of("instant", Codecs.INSTANT, Instant.parse("2026-11-28T04:08:15.123456789Z")),
                Arguments.of("instant before epoch", Codecs.INSTANT, Instant.parse("1900-01-01T00:00:00Z")),
                Arguments.of("duration", Codecs.DURATION, Duration.ofMillis(-1500)),
                Arguments.of("big decimal", Codecs.BIG_DECIMAL, new BigDecimal("19.99")),
                Arguments.of("huge big decimal", Codecs.BIG_DECIMAL, new BigDecimal("-123456789012345678901234567890.000001")),
                Arguments.of("big integer", Codecs.BIG_INTEGER, BigInteger.TWO.pow(200).negate()),
                Arguments.of("uuid", Codecs.UUID_CODEC, UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
                Arguments.of("enum", Codecs.enumOf(Status.class), Status.PAID),
                Arguments.of("list", Codecs.list(Codecs.STRING), List.of("a", "b", "c")),
                Arguments.of("empty list", Codecs.list(Codecs.INT), List.of()),
                Arguments.of("set keeps order", Codecs.set(Codecs.LONG), new java.util.LinkedHashSet<>(List.of(3L, 1L, 2L))),
                Arguments.of("map", Codecs.map(Codecs.STRING, Codecs.list(Codecs.INT)), Map.of("k", List.of(1, 2))),
                Arguments.of("optional present", Codecs.optional(Codecs.STRING), Optional.of("x")),
                Arguments.of("optional empty", Codecs.optional(Codecs.STRING), Optional.empty()),
                Arguments.of("nested", Codecs.list(Codecs.optional(Codecs.map(Codecs.UUID_CODEC, Codecs.BIG_DECIMAL))),
                        List.of(Optional.of(Map.of(new UUID(1, 2), BigDecimal.TEN)), Optional.empty())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    <T> void roundTripsEverySupportedType(String name, Codec<T> codec, T value) {
        Writer out = new Writer(4);

        codec.write(out, value);
        Reader in = new Reader(out.toByteArray());
        T decoded = codec.read(in);

        assertThat(decoded).isEqualTo(value);
        assertThat(in.hasMore()).as("all bytes consumed").isFalse();
    }

    @Test
    void byteArraysRoundTripAsCopies() {
        byte[] value = {1, 2, 3, -1};
        Writer out = new Writer();

        Codecs.BYTES.write(out, value);
        byte[] decoded = Codecs.BYTES.read(new Reader(out.toByteArray()));

        assertThat(decoded).containsExactly(value).isNotSameAs(value);
    }

    @Test
    void decodedCollectionsAreUnmodifiable() {
        Writer out = new Writer();
        Codecs.list(Codecs.INT).write(out, List.of(1));

        List<Integer> decoded = Codecs.list(Codecs.INT).read(new Reader(out.toByteArray()));

        assertThatThrownBy(() -> decoded.add(2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullElementsAreRejectedWithAClearMessage() {
        List<String> withNull = new java.util.ArrayList<>();
        withNull.add(null);

        assertThatThrownBy(() -> Codecs.list(Codecs.STRING).write(new Writer(), withNull))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("cannot hold null");
    }

    @Test
    void absentValuesAreZeroEmptyOrNull() {
        assertThat(Codecs.INT.absent()).isZero();
        assertThat(Codecs.BOOLEAN.absent()).isFalse();
        assertThat(Codecs.DOUBLE.absent()).isZero();
        assertThat(Codecs.list(Codecs.INT).absent()).isEmpty();
        assertThat(Codecs.map(Codecs.INT, Codecs.INT).absent()).isEmpty();
        assertThat(Codecs.optional(Codecs.INT).absent()).isEmpty();
        assertThat(Codecs.STRING.absent()).isNull();
    }

    @Test
    void unknownEnumConstantNamesTheEnum() {
        Writer out = new Writer();
        out.writeString("REFUNDED");

        assertThatThrownBy(() -> Codecs.enumOf(Status.class).read(new Reader(out.toByteArray())))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("unknown constant REFUNDED of enum")
                .hasMessageContaining("Status");
    }
}
