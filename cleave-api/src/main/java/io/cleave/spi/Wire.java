package io.cleave.spi;

import java.nio.charset.StandardCharsets;

/**
 * Constants and rules of the wire format shared by generated code and the runtime.
 *
 * <p>A record is a {@link #LEN} value holding tagged fields; a tag is the varint
 * {@code fieldId << 3 | wireType}. A record field's id is derived from its name
 * ({@link #fieldId(String)}) so that adding, removing or reordering fields keeps the remaining
 * fields readable; call arguments use their position (1-based) as id. A method's id is derived
 * from its signature ({@link #methodId(String)}).
 */
public final class Wire {

    /** A base-128 varint: integers, booleans, chars (signed ones zig-zag encoded). */
    public static final int VARINT = 0;
    /** Eight little-endian bytes: {@code double}. */
    public static final int FIXED64 = 1;
    /** A varint length followed by that many bytes: strings, bytes, records, collections. */
    public static final int LEN = 2;
    /** Four little-endian bytes: {@code float}. */
    public static final int FIXED32 = 5;

    /** Record field ids are in {@code [1, FIELD_ID_RANGE]}: a tag then fits three varint bytes. */
    public static final int FIELD_ID_RANGE = 262_139;

    /**
     * The most bytes a call's encoded arguments, or its encoded reply, may take by default: 16 MiB
     * ({@code [transport] max-message-bytes} sets it). Every invoker that encodes enforces the
     * limit, the in-process one too, so that a call too large to cross processes fails in a test
     * that runs in one.
     */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private Wire() {
    }

    /**
     * The wire id of a record field: FNV-1a of its UTF-8 name, reduced to
     * {@code [1, FIELD_ID_RANGE]}. {@code cleave-codegen} rejects a record whose field ids
     * collide.
     *
     * @param name the record component's name
     * @return its id
     */
    public static int fieldId(String name) {
        int hash = 0x811c9dc5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return Integer.remainderUnsigned(hash, FIELD_ID_RANGE) + 1;
    }

    /**
     * The wire id of a component method: FNV-1a (32 bits) of its UTF-8 signature, the method's
     * name and its parameters' erased types ({@code add(java.lang.String,java.util.List,int)};
     * {@link MethodDescriptor#signature()}). A call names its method by this id, never by its
     * position, so that a build which adds or reorders methods is still called right by an older
     * one; {@code cleave-codegen} rejects a component whose method ids collide.
     *
     * @param signature the method's signature
     * @return its id
     */
    public static int methodId(String signature) {
        int hash = 0x811c9dc5;
        for (byte b : signature.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    /**
     * Makes a tag.
     *
     * @param fieldId the field id
     * @param wireType the wire type
     * @return the tag
     */
    public static int tag(int fieldId, int wireType) {
        return fieldId << 3 | wireType;
    }

    /** @param tag a tag @return its field id */
    public static int fieldOf(int tag) {
        return tag >>> 3;
    }

    /** @param tag a tag @return its wire type */
    public static int wireTypeOf(int tag) {
        return tag & 7;
    }
}
