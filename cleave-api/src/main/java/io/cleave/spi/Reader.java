package io.cleave.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes Cleave's wire format from a byte array. Every read is bounds-checked against the
 * current limit, so malformed or truncated input fails with a {@link CodecException} naming
 * the offset, never with an index error or an oversized allocation.
 */
public final class Reader {

    private final byte[] buf;
    private int pos;
    private int limit;

    /** @param bytes the input, read whole */
    public Reader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    /**
     * @param bytes the input
     * @param offset first byte to read
     * @param length number of bytes to read
     */
    public Reader(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside " + bytes.length + " bytes");
        }
        this.buf = bytes;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** @return the current offset */
    public int position() {
        return pos;
    }

    /** @return the number of bytes before the current limit */
    public int remaining() {
        return limit - pos;
    }

    /** @return whether bytes remain before the current limit */
    public boolean hasMore() {
        return pos < limit;
    }

    private CodecException malformed(String what) {
        return new CodecException(what + " at byte " + pos);
    }

    /** @return one raw byte */
    public int readRawByte() {
        if (pos >= limit) {
            throw malformed("truncated input");
        }
        return buf[pos++] & 0xff;
    }

    /** @return an unsigned varint of at most 32 bits */
    public int readVarint32() {
        int p = pos;
        byte[] b = buf;
        // Fast path, unrolled: the array holds the longest varint, so only where it ends is
        // checked against the limit, which nested values put only a few bytes ahead.
        if (b.length - p >= 5) {
            int x = b[p];
            if (x >= 0) {
                moveTo(p + 1);
                return x;
            }
            x = (x & 0x7f) | b[p + 1] << 7;
            if (b[p + 1] >= 0) {
                moveTo(p + 2);
                return x;
            }
            x = (x & 0x3fff) | b[p + 2] << 14;
            if (b[p + 2] >= 0) {
                moveTo(p + 3);
                return x;
            }
            x = (x & 0x1fffff) | b[p + 3] << 21;
            if (b[p + 3] >= 0) {
                moveTo(p + 4);
                return x;
            }
            int last = b[p + 4];
            if (last >= 0 && last <= 0x0f) {
                moveTo(p + 5);
                return (x & 0xfffffff) | last << 28;
            }
        }
        long v = readVarint64();
        if ((v >>> 32) != 0) {
            throw malformed("varint exceeds 32 bits");
        }
        return (int) v;
    }

    /** @return an unsigned varint of at most 64 bits */
    public long readVarint64() {
        int p = pos;
        byte[] b = buf;
        if (b.length - p >= 10) {
            // Fast path as in readVarint32; the first four bytes (values below 2^28) are unrolled.
            long x = b[p];
            if (x >= 0) {
                moveTo(p + 1);
                return x;
            }
            x = (x & 0x7f) | (long) b[p + 1] << 7;
            if (b[p + 1] >= 0) {
                moveTo(p + 2);
                return x;
            }
            x = (x & 0x3fff) | (long) b[p + 2] << 14;
            if (b[p + 2] >= 0) {
                moveTo(p + 3);
                return x;
            }
            x = (x & 0x1fffff) | (long) b[p + 3] << 21;
            if (b[p + 3] >= 0) {
                moveTo(p + 4);
                return x;
            }
            long result = x & 0xfffffff;
            for (int i = 4, shift = 28; i < 10; i++, shift += 7) {
                int y = b[p + i];
                result |= (long) (y & 0x7f) << shift;
                if (y >= 0) {
                    moveTo(p + i + 1);
                    return result;
                }
            }
            throw malformed("varint longer than 10 bytes");
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = readRawByte();
            result |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    /** Ends a value read by a fast path, which checked the array's bounds but not the limit. */
    private void moveTo(int end) {
        if (end > limit) {
            throw malformed("truncated input");
        }
        pos = end;
    }

    /** @return a zig-zag encoded int */
    public int readSInt32() {
        int v = readVarint32();
        return (v >>> 1) ^ -(v & 1);
    }

    /** @return a zig-zag encoded long */
    public long readSInt64() {
        long v = readVarint64();
        return (v >>> 1) ^ -(v & 1);
    }

    /** @return four little-endian bytes */
    public int readFixed32() {
        if (limit - pos < 4) {
            throw malformed("truncated fixed32");
        }
        int value = (int) Writer.INT_LE.get(buf, pos);
        pos += 4;
        return value;
    }

    /** @return eight little-endian bytes */
    public long readFixed64() {
        if (limit - pos < 8) {
            throw malformed("truncated fixed64");
        }
        long value = (long) Writer.LONG_LE.get(buf, pos);
        pos += 8;
        return value;
    }

    /** @return the next tag */
    public int readTag() {
        int tag = readVarint32();
        if (Wire.fieldOf(tag) == 0) {
            throw malformed("field id 0 in tag");
        }
        return tag;
    }

    private int readLength() {
        int n = readVarint32();
        if (n < 0 || n > limit - pos) {
            throw malformed("length " + Integer.toUnsignedString(n) + " exceeds the " + (limit - pos) + " remaining bytes");
        }
        return n;
    }

    /** @return length-prefixed bytes */
    public byte[] readBytes() {
        int n = readLength();
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** @return a length-prefixed UTF-8 string */
    public String readString() {
        int n = readLength();
        // The JDK checks for ASCII with an intrinsic and then copies the bytes as they are.
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /**
     * Reads a length-prefixed UTF-8 string if it is one of the given ones, without creating a
     * {@code String}.
     *
     * @param choices the UTF-8 bytes of each string expected
     * @return the index of the string read in {@code choices}; or {@code -1}, having read nothing,
     *     if it is none of them
     */
    public int readChoice(byte[][] choices) {
        int start = pos;
        int n = readLength();
        int from = pos;
        for (int i = 0; i < choices.length; i++) {
            byte[] choice = choices[i];
            if (choice.length == n && Arrays.equals(buf, from, from + n, choice, 0, n)) {
                pos = from + n;
                return i;
            }
        }
        pos = start;
        return -1;
    }

    /**
     * Enters a length-delimited value: reads its length and limits reading to it.
     *
     * @return the previous limit, to pass to {@link #endLen(int)}
     */
    public int beginLen() {
        int n = readLength();
        int old = limit;
        limit = pos + n;
        return old;
    }

    /**
     * Leaves a length-delimited value entered with {@link #beginLen()}, skipping what was not read.
     *
     * @param previousLimit what {@code beginLen} returned
     */
    public void endLen(int previousLimit) {
        pos = limit;
        limit = previousLimit;
    }

    /**
     * Skips one value of the given wire type (an unknown field).
     *
     * @param wireType the wire type from its tag
     */
    public void skip(int wireType) {
        switch (wireType) {
            case Wire.VARINT -> readVarint64();
            case Wire.FIXED64 -> skipRaw(8);
            case Wire.LEN -> skipRaw(readLength());
            case Wire.FIXED32 -> skipRaw(4);
            default -> throw malformed("unknown wire type " + wireType);
        }
    }

    private void skipRaw(int n) {
        if (limit - pos < n) {
            throw malformed("truncated value");
        }
        pos += n;
    }

    /**
     * Fails because a field arrived with a wire type its reader cannot accept.
     *
     * @param owner the record or method being read
     * @param field the field's name
     * @param expected the expected wire type
     * @param actual the wire type found
     * @return never returns normally
     */
    public CodecException wrongType(String owner, String field, int expected, int actual) {
        return malformed(owner + "." + field + ": wire type " + actual + " where " + expected + " was expected");
    }
}
