package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class VarintAndDecimalTest {

    private static final int[] INTS = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455,
        268_435_456, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
    private static final long[] LONGS = {0, 1, 127, 128, 1L << 35, Long.MAX_VALUE, -1, Long.MIN_VALUE};

    @Test
    void varintsRoundTripAtEveryLengthWithAndWithoutSlackAfterThem() {
        for (int padding : new int[] {0, 12}) {
            Writer out = new Writer();
            for (int v : INTS) {
                out.writeVarint32(v);
                out.writeSInt32(v);
            }
            for (long v : LONGS) {
                out.writeVarint64(v);
                out.writeSInt64(v);
            }
            out.writeRaw(new byte[padding], 0, padding);
            Reader in = new Reader(out.toByteArray());

            for (int v : INTS) {
                assertThat(in.readVarint32()).isEqualTo(v);
                assertThat(in.readSInt32()).isEqualTo(v);
            }
            for (long v : LONGS) {
                assertThat(in.readVarint64()).isEqualTo(v);
                assertThat(in.readSInt64()).isEqualTo(v);
            }
            assertThat(in.remaining()).isEqualTo(padding);
        }
    }

    @Test
    void varint32RejectsValuesWiderThan32BitsAndTruncation() {
        Writer out = new Writer();
        out.writeVarint64(1L << 32);
        out.writeRaw(new byte[8], 0, 8);

        assertThatThrownBy(() -> new Reader(out.toByteArray()).readVarint32())
                .isInstanceOf(CodecException.class).hasMessageContaining("exceeds 32 bits");
        assertThatThrownBy(() -> new Reader(new byte[] {(byte) 0x80, (byte) 0x80}).readVarint32())
                .isInstanceOf(CodecException.class).hasMessageContaining("truncated");
    }

    @Test
    void bigDecimalsKeepValueAndScaleInBothForms() {
        for (String text : new String[] {"19.99", "0", "-0.000", "1E+5", "-123.456", "9223372036854775807",
            "123456789012345678901234567890.123", "1E-2147483647"}) {
            BigDecimal value = new BigDecimal(text);
            Writer out = new Writer();
            Codecs.BIG_DECIMAL.write(out, value);

            BigDecimal read = Codecs.BIG_DECIMAL.read(new Reader(out.toByteArray()));

            assertThat(read).isEqualTo(value);
        }
    }

    @Test
    void aTypicalPriceTakesFourBytesAfterItsLength() {
        Writer out = new Writer();

        Codecs.BIG_DECIMAL.write(out, new BigDecimal("19.99"));

        assertThat(out.size()).isEqualTo(4);
    }
}
