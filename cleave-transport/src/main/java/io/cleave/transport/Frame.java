package io.cleave.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The frame format, shared by client and server.
 *
 * <pre>
 * frame   := length:int32 body               length = bytes of body; at most the configured maximum
 * body    := version:u8 type:u8 callId:int32 payload
 * REQUEST := component:str16 method:u16 remainingMicros:int64 (-1 = none) traceId:str8 caller:str16 arguments
 * REPLY   := reply                            (MethodDescriptor's reply encoding)
 * REJECT  := reason:str16                     (the method did not run: unknown component, overload, deadline, shutdown)
 * CANCEL, PING, PONG := (empty)               (PING/PONG echo callId as a sequence number)
 * GOAWAY  := reason:str16                     (the sender takes no new calls on this connection)
 * </pre>
 *
 * Integers are big-endian; {@code strN} is an unsigned N-bit byte count followed by UTF-8.
 */
final class Frame {

    static final int VERSION = 1;

    static final int REQUEST = 1;
    static final int REPLY = 2;
    static final int REJECT = 3;
    static final int CANCEL = 4;
    static final int PING = 5;
    static final int PONG = 6;
    static final int GOAWAY = 7;

    /** Bytes of the length prefix. */
    static final int LENGTH_BYTES = 4;
    /** Bytes of version, type and call id. */
    static final int HEADER_BYTES = 6;

    static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

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
            default -> "unknown type " + type;
        };
    }

    /** A frame without payload. */
    static ByteBuf control(ByteBufAllocator alloc, int type, int callId) {
        ByteBuf buf = alloc.buffer(LENGTH_BYTES + HEADER_BYTES);
        buf.writeInt(HEADER_BYTES);
        buf.writeByte(VERSION);
        buf.writeByte(type);
        buf.writeInt(callId);
        return buf;
    }

    /** A frame whose payload is one reason string (REJECT, GOAWAY). */
    static ByteBuf withReason(ByteBufAllocator alloc, int type, int callId, String reason) {
        byte[] utf8 = truncated(reason.getBytes(StandardCharsets.UTF_8), 0xffff);
        ByteBuf buf = alloc.buffer(LENGTH_BYTES + HEADER_BYTES + 2 + utf8.length);
        buf.writeInt(HEADER_BYTES + 2 + utf8.length);
        buf.writeByte(VERSION);
        buf.writeByte(type);
        buf.writeInt(callId);
        buf.writeShort(utf8.length);
        buf.writeBytes(utf8);
        return buf;
    }

    /** A frame whose payload is raw bytes (REPLY). */
    static ByteBuf withPayload(ByteBufAllocator alloc, int type, int callId, byte[] payload, int length) {
        ByteBuf buf = alloc.buffer(LENGTH_BYTES + HEADER_BYTES + length);
        buf.writeInt(HEADER_BYTES + length);
        buf.writeByte(VERSION);
        buf.writeByte(type);
        buf.writeInt(callId);
        buf.writeBytes(payload, 0, length);
        return buf;
    }

    /**
     * A REQUEST frame.
     *
     * @param component the component's UTF-8 name, at most 65535 bytes
     * @param traceId UTF-8, at most 255 bytes
     * @param caller UTF-8, at most 65535 bytes
     */
    static ByteBuf request(ByteBufAllocator alloc, int callId, byte[] component, int method, long remainingMicros,
            byte[] traceId, byte[] caller, byte[] arguments, int argumentsLength) {
        int body = HEADER_BYTES + 2 + component.length + 2 + 8 + 1 + traceId.length + 2 + caller.length + argumentsLength;
        ByteBuf buf = alloc.buffer(LENGTH_BYTES + body);
        buf.writeInt(body);
        buf.writeByte(VERSION);
        buf.writeByte(REQUEST);
        buf.writeInt(callId);
        buf.writeShort(component.length);
        buf.writeBytes(component);
        buf.writeShort(method);
        buf.writeLong(remainingMicros);
        buf.writeByte(traceId.length);
        buf.writeBytes(traceId);
        buf.writeShort(caller.length);
        buf.writeBytes(caller);
        buf.writeBytes(arguments, 0, argumentsLength);
        return buf;
    }

    static byte[] truncated(byte[] bytes, int max) {
        if (bytes.length <= max) {
            return bytes;
        }
        return java.util.Arrays.copyOf(bytes, max);
    }

    /**
     * Reads a length-prefixed string of a frame being parsed.
     *
     * @throws MalformedFrameException if the length runs past the frame
     */
    static String readString(ByteBuf in, int lengthBytes, String what) {
        if (in.readableBytes() < lengthBytes) {
            throw new MalformedFrameException("truncated length of " + what);
        }
        int n = lengthBytes == 1 ? in.readUnsignedByte() : in.readUnsignedShort();
        if (in.readableBytes() < n) {
            throw new MalformedFrameException(what + " of " + n + " bytes exceeds the " + in.readableBytes() + " left in the frame");
        }
        String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
        in.skipBytes(n);
        return s;
    }

    /** A frame that breaks the format; the connection that sent it is closed. */
    static final class MalformedFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message, null, false, false);
        }
    }
}
