package io.cleave.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the frames of one connection, allocating no more than has arrived: a peer announcing a
 * 16 MiB frame and sending 100 bytes of it costs 100 bytes, not 16 MiB. A frame that fits the
 * read buffer is read into it and copied out once whole; a larger one goes into an array that
 * starts at what has arrived and doubles as more does, and beyond {@link #SMALL_FRAME_BYTES} its
 * arrays are granted by a {@link Budget} (the server's bound on buffered bytes). A frame over
 * the limit is not kept: its header and the first bytes of its payload are (enough to answer a
 * request with an error), the rest is read and dropped.
 *
 * <p>The connection's reader calls {@link #receive()}; anyone may read {@link #frameStart()} and
 * {@link #inFrame()}, which the server's sweep uses to close connections whose frame takes too
 * long to arrive, or that send nothing for too long.
 */
final class FrameReader {

    /** Frames up to this size are read without asking the budget: the call limits bound them. */
    static final int SMALL_FRAME_BYTES = 64 * 1024;
    /** Of a frame over the limit, the bytes kept: its header and a request's component name and method. */
    static final int OVERSIZE_PREFIX_BYTES = 4 * 1024;

    /** Grants memory to frames over {@link #SMALL_FRAME_BYTES} as they grow. */
    interface Budget {

        /** No limit: a client reads what its own calls asked for. */
        Budget NONE = new Budget() {
            @Override
            public void acquire(int bytes, long frameStart) {
            }

            @Override
            public void release(int bytes) {
            }
        };

        /**
         * Takes {@code bytes} for a frame that started at {@code frameStart}, waiting if needed.
         *
         * @throws IOException if they cannot be had while the frame may still arrive; the
         *     connection is then closed
         */
        void acquire(int bytes, long frameStart) throws IOException;

        /** Gives back what {@link #acquire} took. */
        void release(int bytes);
    }

    private final InputStream in;
    private final int maxFrameBytes;
    /** The one frame type worth answering when over the limit: REQUEST on a server, REPLY on a client. */
    private final int oversizeType;
    private final Budget budget;
    private byte[] buffer;
    /** The next unread byte of {@link #buffer}. */
    private int position;
    /** The end of the bytes read into {@link #buffer}. */
    private int limit;
    /** When the frame in progress, or else the last frame, began to arrive ({@link System#nanoTime()}). */
    private volatile long frameStart = System.nanoTime();
    private volatile boolean inFrame;
    /** Budget held by the body {@link #receive()} returned last; its consumer gives it back. */
    private int charged;
    /** Body length the last frame announced; more than its body when {@link #truncated}. */
    private int declaredLength;
    private boolean truncated;

    /**
     * @param oversizeType the frame type kept as a prefix when over the limit; any other such frame is malformed
     */
    FrameReader(InputStream in, int bufferBytes, int maxFrameBytes, int oversizeType, Budget budget) {
        this.in = in;
        this.oversizeType = oversizeType;
        this.buffer = new byte[bufferBytes];
        this.maxFrameBytes = maxFrameBytes;
        this.budget = budget;
    }

    /**
     * Reads the next frame: its body, from the version byte on. Only the connection's reader.
     * When the frame announced more than the limit ({@link #truncated()}), the body holds only
     * its first bytes and the rest was dropped.
     *
     * @return the body, or null when the peer closed the connection between frames
     * @throws Frame.MalformedFrameException if the length prefix is negative or shorter than a header
     * @throws IOException if the connection failed or closed inside a frame, or the budget refused it
     */
    ByteBuffer receive() throws IOException {
        charged = 0;
        truncated = false;
        if (position < limit) {
            begin();
        } else if (!fill(Frame.LENGTH_BYTES, true)) {
            return null;
        }
        fill(Frame.LENGTH_BYTES, false);
        int length = (buffer[position] & 0xff) << 24 | (buffer[position + 1] & 0xff) << 16
                | (buffer[position + 2] & 0xff) << 8 | buffer[position + 3] & 0xff;
        position += Frame.LENGTH_BYTES;
        if (length < 0) {
            throw new Frame.MalformedFrameException("frame of " + Integer.toUnsignedString(length)
                    + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        if (length < Frame.HEADER_BYTES) {
            throw new Frame.MalformedFrameException("frame of " + length + " bytes is shorter than its header");
        }
        declaredLength = length;
        ByteBuffer body;
        if (length > maxFrameBytes) {
            body = oversize(length);
        } else if (length <= buffer.length) {
            fill(length, false);
            body = ByteBuffer.wrap(Arrays.copyOfRange(buffer, position, position + length));
            position += length;
        } else {
            body = ByteBuffer.wrap(grow(length));
        }
        inFrame = false;
        return body;
    }

    /** A frame longer than the buffer, in an array that grows as its bytes arrive. */
    private byte[] grow(int length) throws IOException {
        int buffered = limit - position;
        byte[] body = new byte[0];
        try {
            body = resize(body, Math.min(length, Math.max(buffered, buffer.length)), length);
            System.arraycopy(buffer, position, body, 0, buffered);
            position = limit;
            int at = buffered;
            while (at < length) {
                if (at == body.length) {
                    body = resize(body, Math.min(length, body.length * 2), length);
                }
                int n = in.read(body, at, body.length - at);
                if (n < 0) {
                    throw new EOFException("connection closed " + at + " bytes into a frame of " + length);
                }
                at += n;
            }
            return body;
        } catch (IOException | RuntimeException e) {
            budget.release(charged);
            charged = 0;
            throw e;
        }
    }

    private byte[] resize(byte[] body, int capacity, int length) throws IOException {
        if (length > SMALL_FRAME_BYTES) {
            int more = capacity - body.length;
            budget.acquire(more, frameStart);
            charged += more;
        }
        return Arrays.copyOf(body, capacity);
    }

    /**
     * Keeps the header and the first bytes of a frame over the limit, and drops the rest, if it
     * is of the type worth an answer; anything else that large (garbage, such as an HTTP request,
     * reads as a huge length) breaks the protocol.
     */
    private ByteBuffer oversize(int length) throws IOException {
        fill(Frame.HEADER_BYTES, false);
        int version = buffer[position] & 0xff;
        int type = buffer[position + 1] & 0xff;
        if (version != Frame.VERSION || type != oversizeType) {
            throw new Frame.MalformedFrameException("frame of " + length + " bytes exceeds the limit of " + maxFrameBytes
                    + " bytes" + (version == Frame.VERSION ? " (" + Frame.typeName(type) + ")" : ""));
        }
        int kept = Math.min(length, OVERSIZE_PREFIX_BYTES);
        fill(kept, false);
        byte[] prefix = Arrays.copyOfRange(buffer, position, position + kept);
        position += kept;
        long left = (long) length - kept;
        while (left > 0) {
            if (position == limit) {
                position = 0;
                limit = 0;
                fill(1, false);
            }
            int n = (int) Math.min(left, limit - position);
            position += n;
            left -= n;
        }
        truncated = true;
        return ByteBuffer.wrap(prefix);
    }

    /**
     * Makes sure {@code n} unread bytes are in the buffer, reading as needed (the buffer grows if
     * it is smaller than {@code n}).
     *
     * @param first whether no byte of this frame has arrived: end of stream then returns false
     * @return false on end of stream before the frame's first byte
     */
    private boolean fill(int n, boolean first) throws IOException {
        if (limit - position >= n) {
            return true;
        }
        if (buffer.length < n) {
            buffer = Arrays.copyOf(buffer, n);
        }
        if (buffer.length - position < n) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        while (limit - position < n) {
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                if (first && limit == position) {
                    return false;
                }
                throw new EOFException("connection closed inside a frame");
            }
            if (first && limit == position && read > 0) {
                begin();
                first = false;
            }
            limit += read;
        }
        return true;
    }

    private void begin() {
        frameStart = System.nanoTime();
        inFrame = true;
    }

    /**
     * Changes the read buffer's size, keeping what it holds: small while a connection is idle,
     * larger while it carries calls (one read then takes many frames). Only the reader.
     */
    void bufferSize(int bytes) {
        int unread = limit - position;
        byte[] resized = new byte[Math.max(bytes, unread)];
        System.arraycopy(buffer, position, resized, 0, unread);
        buffer = resized;
        position = 0;
        limit = unread;
    }

    /** @return budget the last body holds, for its consumer to give back */
    int charged() {
        return charged;
    }

    /** @return whether the last frame was over the limit and only its first bytes were kept */
    boolean truncated() {
        return truncated;
    }

    /** @return the body length the last frame announced */
    int declaredLength() {
        return declaredLength;
    }

    /** @return when the frame in progress, or the last one, began to arrive; creation time before any */
    long frameStart() {
        return frameStart;
    }

    /** @return whether some but not all of a frame has arrived */
    boolean inFrame() {
        return inFrame;
    }
}
