package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The encoder's and decoder's fast paths produce and accept exactly what the plain rules say. */
class FastPathTest {

    static Stream<String> strings() {
        List<String> strings = new ArrayList<>();
        for (int n : new int[] {0, 1, Writer.SHORT_STRING - 1, Writer.SHORT_STRING, Writer.SHORT_STRING + 1, 127, 128,
            300}) {
            strings.add("a".repeat(n));
            if (n > 0) {
                strings.add("é" + "a".repeat(n - 1));
                strings.add("a".repeat(n - 1) + "\u007f");
                strings.add("a".repeat(n - 1) + "\u0080");
                strings.add("a".repeat(n - 1) + "ÿ");
                strings.add("a".repeat(n - 1) + "\u0100");
                strings.add("a".repeat(n - 1) + "世");
            }
        }
        strings.add("🎉");
        strings.add("unpaired \ud800 surrogate");
        return strings.stream();
    }

    @ParameterizedTest
    @MethodSource("strings")
    void stringsAreALengthAndTheirUtf8Bytes(String value) {
        Writer out = new Writer(4);

        out.writeString(value);

        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int n = utf8.length; ; n >>>= 7) {
            if (n < 0x80) {
                expected.write(n);
                break;
            }
            expected.write(n & 0x7f | 0x80);
        }
        expected.writeBytes(utf8);
        assertThat(out.toByteArray()).containsExactly(expected.toByteArray());
        assertThat(new Reader(out.toByteArray()).readString()).isEqualTo(new String(utf8, StandardCharsets.UTF_8));
    }

    @Test
    void varintsOfEveryLengthRoundTripAndTakeTheirSize() {
        for (int bits = 0; bits <= 64; bits++) {
            for (long value : new long[] {bits == 64 ? -1L : (1L << bits) - 1, bits == 64 ? Long.MIN_VALUE : 1L << bits}) {
                for (int slack : new int[] {0, 12}) {
                    Writer out = new Writer(4);
                    out.writeVarint64(value);
                    int size = out.size();
                    out.writeRaw(new byte[slack], 0, slack);
                    Reader in = new Reader(out.toByteArray());

                    assertThat(in.readVarint64()).as("value %d, slack %d", value, slack).isEqualTo(value);
                    assertThat(size).isEqualTo(Writer.varint64Size(value));
                    if ((value >>> 32) == 0) {
                        assertThat(new Reader(out.toByteArray()).readVarint32()).isEqualTo((int) value);
                        assertThat(Writer.varint32Size((int) value)).isEqualTo(size);
                    }
                }
            }
        }
    }

    @Test
    void aVarintRunningPastTheEndOfANestedValueIsTruncatedEvenWhenTheArrayGoesOn() {
        // a nested value of one byte, 0x80, "continued" by the bytes after it
        byte[] bytes = {1, (byte) 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

        for (boolean wide : new boolean[] {false, true}) {
            Reader in = new Reader(bytes);
            in.beginLen();

            assertThatThrownBy(() -> {
                if (wide) {
                    in.readVarint64();
                } else {
                    in.readVarint32();
                }
            }).isInstanceOf(CodecException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void fixedWidthValuesAreLittleEndianAndCheckedAgainstTheLimit() {
        Writer out = new Writer(4);
        out.writeFixed32(0x04030201);
        out.writeFixed64(0x0c0b0a0908070605L);

        assertThat(out.toByteArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        Reader in = new Reader(out.toByteArray(), 0, 11);
        assertThat(in.readFixed32()).isEqualTo(0x04030201);
        assertThatThrownBy(in::readFixed64).isInstanceOf(CodecException.class).hasMessageContaining("truncated");
    }

    @Test
    void aChoiceIsReadWithoutAStringOrNotAtAll() {
        byte[][] choices = {"NEW".getBytes(StandardCharsets.UTF_8), "PAÏD".getBytes(StandardCharsets.UTF_8)};
        Writer out = new Writer();
        out.writeString("PAÏD");
        out.writeString("PAID");
        Reader in = new Reader(out.toByteArray());

        int first = in.readChoice(choices);
        int second = in.readChoice(choices);

        assertThat(first).isEqualTo(1);
        assertThat(second).isEqualTo(-1);
        assertThat(in.readString()).isEqualTo("PAID");
    }

    @Test
    void decimalsUpToEighteenDigitsAreVarintsAndLongerOnesBytes() {
        for (String text : new String[] {"999999999999999999", "-99999999999999999.9", "1000000000000000000",
            "4611686018427387903", "-4611686018427387904", "0.000000000000000001", "-0", "1E+2147483647"}) {
            BigDecimal value = new BigDecimal(text);
            Writer out = new Writer(4);
            Codecs.BIG_DECIMAL.write(out, value);
            Reader in = new Reader(out.toByteArray());

            assertThat(Codecs.BIG_DECIMAL.read(in)).isEqualTo(value);
            assertThat(in.hasMore()).isFalse();
            int header = out.toByteArray()[1];
            assertThat(header & 1).as("bytes form for %s", text).isEqualTo(value.precision() <= 18 ? 0 : 1);
        }
    }

    @Test
    void instantsAndDurationsAtTheirExtremesRoundTrip() {
        for (Instant value : new Instant[] {Instant.MIN, Instant.MAX, Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999)}) {
            Writer out = new Writer(4);
            Codecs.INSTANT.write(out, value);

            assertThat(Codecs.INSTANT.read(new Reader(out.toByteArray()))).isEqualTo(value);
        }
        for (Duration value : new Duration[] {Duration.ofSeconds(Long.MIN_VALUE), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
            Duration.ZERO}) {
            Writer out = new Writer(4);
            Codecs.DURATION.write(out, value);

            assertThat(Codecs.DURATION.read(new Reader(out.toByteArray()))).isEqualTo(value);
        }
    }
}
