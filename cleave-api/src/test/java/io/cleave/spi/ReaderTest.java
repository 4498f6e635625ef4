package io.cleave.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReaderTest {

    @Test
    void truncatedInputFailsWithTheOffset() {
        Writer out = new Writer();
        out.writeString("hello world");
        byte[] truncated = java.util.Arrays.copyOf(out.toByteArray(), 5);

        assertThatThrownBy(() -> new Reader(truncated).readString())
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("exceeds the 4 remaining bytes at byte 1");
    }

    @Test
    void hostileCollectionCountIsRejectedBeforeAllocating() {
        Writer out = new Writer();
        int mark = out.beginLen();
        out.writeVarint32(Integer.MAX_VALUE);
        out.endLen(mark);

        assertThatThrownBy(() -> Codecs.list(Codecs.INT).read(new Reader(out.toByteArray())))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("element count 2147483647 too large");
    }

    @Test
    void overlongVarintIsRejected() {
        byte[] bytes = new byte[11];
        java.util.Arrays.fill(bytes, (byte) 0x80);

        assertThatThrownBy(() -> new Reader(bytes).readVarint64())
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("varint longer than 10 bytes");
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        Writer out = new Writer();
        out.writeTag(7, Wire.VARINT);
        out.writeVarint64(Long.MAX_VALUE);
        out.writeTag(8, Wire.FIXED64);
        out.writeFixed64(42);
        out.writeTag(9, Wire.LEN);
        out.writeString("skip me");
        out.writeTag(10, Wire.FIXED32);
        out.writeFixed32(7);
        out.writeTag(1, Wire.VARINT);
        out.writeSInt32(-5);
        Reader in = new Reader(out.toByteArray());

        int found = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            if (Wire.fieldOf(tag) == 1) {
                found = in.readSInt32();
            } else {
                in.skip(Wire.wireTypeOf(tag));
            }
        }

        assertThat(found).isEqualTo(-5);
    }

    @Test
    void nestedLengthsLongerThanOneByteAreShiftedIntoPlace() {
        Writer out = new Writer(4);
        int outer = out.beginLen();
        int inner = out.beginLen();
        out.writeString("y".repeat(300));
        out.endLen(inner);
        out.writeSInt32(99);
        out.endLen(outer);
        Reader in = new Reader(out.toByteArray());

        int outerLimit = in.beginLen();
        int innerLimit = in.beginLen();
        String s = in.readString();
        in.endLen(innerLimit);
        int after = in.readSInt32();
        in.endLen(outerLimit);

        assertThat(s).hasSize(300);
        assertThat(after).isEqualTo(99);
        assertThat(in.hasMore()).isFalse();
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButCodecException() {
        Codec<List<java.util.Optional<String>>> codec = Codecs.list(Codecs.optional(Codecs.STRING));
        Random random = new Random(42);

        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(24)];
            random.nextBytes(garbage);
            try {
                codec.read(new Reader(garbage));
            } catch (CodecException expected) {
                assertThat(expected.getMessage()).contains("at byte");
            }
        }
    }

    @Test
    void fieldIdsAreStableAndInRange() {
        assertThat(Wire.fieldId("customer")).isEqualTo(Wire.fieldId("customer"));
        assertThat(Wire.fieldId("customer")).isNotEqualTo(Wire.fieldId("customers"));
        for (String name : List.of("a", "id", "lines", "unitPrice", "x".repeat(500))) {
            assertThat(Wire.fieldId(name)).isBetween(1, Wire.FIELD_ID_RANGE);
            assertThat(Writer.varint32Size(Wire.tag(Wire.fieldId(name), Wire.LEN))).isLessThanOrEqualTo(3);
        }
    }
}
