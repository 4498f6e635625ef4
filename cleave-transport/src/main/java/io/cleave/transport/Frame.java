package io.cleave.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The frame format, shared by client and server.
 *
 * <pre>
 * frame   := length:int32 body               length = bytes of body; at most the largest message plus the largest header
 * body    := version:u8 type:u8 callId:int32 payload
 * REQUEST := component:str16 method:int32 remainingMicros:int64 (-1 = none) traceId:str8 arguments
 *                                             (method: MethodDescriptor.id, from the signature, never the position)
 *                                             (no caller: the callee knows it from the peer's certificate)
 * REPLY   := reply                            (MethodDescriptor's reply encoding)
 * REJECT  := reason:str16                     (the method did not run: unknown component, not allowed, deadline, shutdown)
 * OVERLOADED := retryAfterMillis:u32 reason:str16   (the method did not run: the server is at its concurrency limit)
 * CANCEL, PING, PONG := (empty)               (PING/PONG echo callId as a sequence number)
 * GOAWAY  := reason:str16                     (the sender takes no new calls on this connection; callId
 *                                             NOTHING_READ: it read nothing sent on it, and will not)
 * </pre>
 *
 * Integers are big-endian; {@code strN} is an unsigned N-bit byte count followed by UTF-8.
 */
final class Frame {

    /** 2: REQUEST lost its self-declared caller, OVERLOADED was added. 3: REQUEST names its method by id. */
    static final int VERSION = 3;

    static final int REQUEST = 1;
    static final int REPLY = 2;
    static final int REJECT = 3;
    static final int CANCEL = 4;
    static final int PING = 5;
    static final int PONG = 6;
    static final int GOAWAY = 7;
    static final int OVERLOADED = 8;

    /** Bytes of the length prefix. */
    static final int LENGTH_BYTES = 4;
    /** Bytes of version, type and call id. */
    static final int HEADER_BYTES = 6;

    /** The longest header a REQUEST can have: component of 65535 bytes, trace id of 255. */
    static final int MAX_REQUEST_HEADER_BYTES = HEADER_BYTES + 2 + 0xffff + 4 + 8 + 1 + 0xff;

    /**
     * The largest frame that carries a message (encoded arguments or reply) of at most
     * {@code maxMessageBytes} with any header: frames longer than that are not read.
     */
    static int maxFrameBytes(int maxMessageBytes) {
        return maxMessageBytes + MAX_REQUEST_HEADER_BYTES;
    }

    /** The call id of a GOAWAY refusing a connection: nothing sent on it was read. */
    static final int NOTHING_READ = -1;

    /** Bytes of a REQUEST frame's body besides its strings and arguments: header, lengths, method, deadline. */
    static final int REQUEST_FIXED_BYTES = HEADER_BYTES + 2 + 4 + 8 + 1;

    private Frame() {
    }

    static String typeName(int type) {
        return switch (type) {
            case REQUEST -> "REQUEST";
            case REPLY -> "REPLY";
            case REJECT -> "REJECT";
            case CANCEL -> "CANCEL";
            case PING -> "PING";
            case PONG -> "PONG";
            case GOAWAY -> "GOAWAY";
            case OVERLOADED -> "OVERLOADED";
            default -> "unknown type " + type;
        };
    }

    /** A frame without payload. */
    static byte[] control(int type, int callId) {
        return header(HEADER_BYTES, type, callId).array();
    }

    /** A frame whose payload is one reason string (REJECT, GOAWAY). */
    static byte[] withReason(int type, int callId, String reason) {
        byte[] utf8 = truncated(reason.getBytes(StandardCharsets.UTF_8), 0xffff);
        return header(HEADER_BYTES + 2 + utf8.length, type, callId).putShort((short) utf8.length).put(utf8).array();
    }

    /** An OVERLOADED frame: the call was not run, the server being at its concurrency limit. */
    static byte[] overloaded(int callId, int retryAfterMillis, String reason) {
        byte[] utf8 = truncated(reason.getBytes(StandardCharsets.UTF_8), 0xffff);
        return header(HEADER_BYTES + 4 + 2 + utf8.length, OVERLOADED, callId).putInt(retryAfterMillis)
                .putShort((short) utf8.length).put(utf8).array();
    }

    /** A frame whose payload is raw bytes (REPLY). */
    static byte[] withPayload(int type, int callId, byte[] payload, int length) {
        return header(HEADER_BYTES + length, type, callId).put(payload, 0, length).array();
    }

    /**
     * A REQUEST frame.
     *
     * @param component the component's UTF-8 name, at most 65535 bytes
     * @param method the method's {@link io.cleave.spi.MethodDescriptor#id()}
     * @param traceId UTF-8, at most 255 bytes
     */
    static byte[] request(int callId, byte[] component, int method, long remainingMicros, byte[] traceId,
            byte[] arguments, int argumentsLength) {
        int body = REQUEST_FIXED_BYTES + component.length + traceId.length + argumentsLength;
        return header(body, REQUEST, callId)
                .putShort((short) component.length).put(component)
                .putInt(method)
                .putLong(remainingMicros)
                .put((byte) traceId.length).put(traceId)
                .put(arguments, 0, argumentsLength)
                .array();
    }

    /** A buffer for a whole frame of {@code body} bytes, its length prefix and header written. */
    private static ByteBuffer header(int body, int type, int callId) {
        return ByteBuffer.allocate(LENGTH_BYTES + body).putInt(body).put((byte) VERSION).put((byte) type).putInt(callId);
    }

    static byte[] truncated(byte[] bytes, int max) {
        if (bytes.length <= max) {
            return bytes;
        }
        return java.util.Arrays.copyOf(bytes, max);
    }

    /**
     * Reads the start of a frame's body: checks its version and returns its type.
     *
     * @param reader "client" or "server", for the message
     * @throws MalformedFrameException if the version is not this one
     */
    static int readType(ByteBuffer in, String reader) {
        int version = in.get() & 0xff;
        if (version != VERSION) {
            throw new MalformedFrameException("protocol version " + version + ", this " + reader + " speaks " + VERSION);
        }
        return in.get() & 0xff;
    }

    /**
     * Reads a length-prefixed string of a frame being parsed.
     *
     * @throws MalformedFrameException if the length runs past the frame
     */
    static String readString(ByteBuffer in, int lengthBytes, String what) {
        if (in.remaining() < lengthBytes) {
            throw new MalformedFrameException("truncated length of " + what);
        }
        int n = lengthBytes == 1 ? in.get() & 0xff : in.getShort() & 0xffff;
        if (in.remaining() < n) {
            throw new MalformedFrameException(what + " of " + n + " bytes exceeds the " + in.remaining() + " left in the frame");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** The rest of a frame being parsed. */
    static byte[] rest(ByteBuffer in) {
        byte[] bytes = new byte[in.remaining()];
        in.get(bytes);
        return bytes;
    }

    /** A frame that breaks the format; the connection that sent it is closed. */
    static final class MalformedFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message, null, false, false);
        }
    }
}
