package io.cleave.spi;

import java.util.Arrays;

/**
 * A growable byte buffer that encodes Cleave's wire format. Not thread-safe; reuse one per
 * thread with {@link #reset()}.
 */
public final class Writer {

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
        while ((value & ~0x7f) != 0) {
            b[p++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        b[p++] = (byte) value;
        pos = p;
    }

    /** @param value an unsigned varint of at most 64 bits */
    public void writeVarint64(long value) {
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
        buf[pos] = (byte) value;
        buf[pos + 1] = (byte) (value >>> 8);
        buf[pos + 2] = (byte) (value >>> 16);
        buf[pos + 3] = (byte) (value >>> 24);
        pos += 4;
    }

    /** @param value eight little-endian bytes */
    public void writeFixed64(long value) {
        writeFixed32((int) value);
        writeFixed32((int) (value >>> 32));
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
        // Fast path: ASCII strings shorter than 128 chars encode in place with a 1-byte length.
        if (n < 128) {
            ensure(n + 1);
            int start = pos;
            buf[start] = (byte) n;
            int p = start + 1;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    writeUtf8Slow(value);
                    return;
                }
                buf[p++] = (byte) c;
            }
            pos = p;
            return;
        }
        writeUtf8Slow(value);
    }

    private void writeUtf8Slow(String value) {
        byte[] utf8 = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeBytes(utf8);
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
}
