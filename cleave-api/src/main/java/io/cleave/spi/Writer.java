package io.cleave.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that encodes Cleave's wire format. Not thread-safe; reuse one per
 * thread with {@link #reset()}.
 */
public final class Writer {

    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Strings up to this many chars take the in-place ASCII path of {@link #writeString}. */
    static final int SHORT_STRING = 24;

    private byte[] buf;
    private int pos;

    /** Creates a writer with a small initial buffer. */
    public Writer() {
        this(256);
    }

    /** @param capacity initial buffer size in bytes */
    public Writer(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Forgets everything written, keeping the buffer. */
    public void reset() {
        pos = 0;
    }

    /** @return the number of bytes written */
    public int size() {
        return pos;
    }

    /** @return the internal buffer; bytes {@code [0, size())} are the output */
    public byte[] buffer() {
        return buf;
    }

    /** @return a copy of the output */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    /** @param b one raw byte */
    public void writeRawByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    /**
     * Writes raw bytes without a length.
     *
     * @param bytes the source
     * @param offset first byte
     * @param length how many
     */
    public void writeRaw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    /** @param value an unsigned varint of at most 32 bits */
    public void writeVarint32(int value) {
        ensure(5);
        byte[] b = buf;
        int p = pos;
        // Unrolled rather than a loop: for a constant such as a tag the JIT folds it to stores.
        if ((value & ~0x7f) == 0) {
            b[p] = (byte) value;
            pos = p + 1;
            return;
        }
        b[p] = (byte) (value | 0x80);
        if ((value & ~0x3fff) == 0) {
            b[p + 1] = (byte) (value >>> 7);
            pos = p + 2;
            return;
        }
        b[p + 1] = (byte) (value >>> 7 | 0x80);
        if ((value & ~0x1fffff) == 0) {
            b[p + 2] = (byte) (value >>> 14);
            pos = p + 3;
            return;
        }
        b[p + 2] = (byte) (value >>> 14 | 0x80);
        if ((value & ~0xfffffff) == 0) {
            b[p + 3] = (byte) (value >>> 21);
            pos = p + 4;
            return;
        }
        b[p + 3] = (byte) (value >>> 21 | 0x80);
        b[p + 4] = (byte) (value >>> 28);
        pos = p + 5;
    }

    /** @param value an unsigned varint of at most 64 bits */
    public void writeVarint64(long value) {
        if ((value & ~0xfffffffL) == 0) {
            writeVarint32((int) value);
            return;
        }
        ensure(10);
        byte[] b = buf;
        int p = pos;
        while ((value & ~0x7fL) != 0) {
            b[p++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        b[p++] = (byte) value;
        pos = p;
    }

    /** @param value a signed int, zig-zag encoded */
    public void writeSInt32(int value) {
        writeVarint32((value << 1) ^ (value >> 31));
    }

    /** @param value a signed long, zig-zag encoded */
    public void writeSInt64(long value) {
        writeVarint64((value << 1) ^ (value >> 63));
    }

    /** @param value four little-endian bytes */
    public void writeFixed32(int value) {
        ensure(4);
        INT_LE.set(buf, pos, value);
        pos += 4;
    }

    /** @param value eight little-endian bytes */
    public void writeFixed64(long value) {
        ensure(8);
        LONG_LE.set(buf, pos, value);
        pos += 8;
    }

    /**
     * Writes a field tag.
     *
     * @param fieldId the field id
     * @param wireType the wire type of the value that follows
     */
    public void writeTag(int fieldId, int wireType) {
        writeVarint32(Wire.tag(fieldId, wireType));
    }

    /** @param bytes written with a varint length prefix */
    public void writeBytes(byte[] bytes) {
        writeVarint32(bytes.length);
        writeRaw(bytes, 0, bytes.length);
    }

    /** @param value written as a varint length prefix and UTF-8 bytes */
    public void writeString(String value) {
        int n = value.length();
        // Short strings are copied char by char behind their 1-byte length; if a char turns out
        // not to be ASCII, the string is written again as UTF-8. From about this length on, the
        // JDK's vectorised encoder is faster despite the array it allocates.
        if (n <= SHORT_STRING) {
            ensure(n + 1);
            byte[] b = buf;
            int p = pos;
            b[p] = (byte) n;
            int seen = 0;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                seen |= c;
                b[p + 1 + i] = (byte) c;
            }
            if (seen < 0x80) {
                pos = p + 1 + n;
                return;
            }
        }
        writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Starts a length-delimited value whose length is not known yet; pair with
     * {@link #endLen(int)}.
     *
     * @return a mark to pass to {@code endLen}
     */
    public int beginLen() {
        ensure(1);
        int mark = pos;
        pos++; // one byte reserved: most nested values are shorter than 128 bytes
        return mark;
    }

    /**
     * Finishes a length-delimited value begun with {@link #beginLen()}, writing its length.
     *
     * @param mark what {@code beginLen} returned
     */
    public void endLen(int mark) {
        int length = pos - mark - 1;
        if (length < 0x80) {
            buf[mark] = (byte) length;
            return;
        }
        int extra = varint32Size(length) - 1;
        ensure(extra);
        System.arraycopy(buf, mark + 1, buf, mark + 1 + extra, length);
        int p = mark;
        int v = length;
        while ((v & ~0x7f) != 0) {
            buf[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[p] = (byte) v;
        pos += extra;
    }

    /** @param value an unsigned value @return bytes its varint takes */
    public static int varint32Size(int value) {
        if ((value & ~0x7f) == 0) {
            return 1;
        }
        if ((value & ~0x3fff) == 0) {
            return 2;
        }
        if ((value & ~0x1fffff) == 0) {
            return 3;
        }
        if ((value & ~0xfffffff) == 0) {
            return 4;
        }
        return 5;
    }

    /** @param value an unsigned value @return bytes its varint takes */
    public static int varint64Size(long value) {
        // 1 byte per started group of 7 bits, at least one: (bits + 6) / 7 without dividing
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits * 9 + 64) >>> 6;
    }
}
