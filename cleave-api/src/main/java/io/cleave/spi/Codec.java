package io.cleave.spi;

import java.util.Optional;

/**
 * Encodes and decodes values of one type in Cleave's compact binary format. Generated per
 * record type by {@code cleave-codegen}; built in for the other supported types
 * ({@link Codecs}). Codecs never see {@code null}: containers (record fields, arguments,
 * results) leave absent values out and substitute {@link #absent()} on reading.
 *
 * <p>Every value is self-delimiting given its {@link #wireType()}, so a reader can skip a field
 * it does not know; this is what lets a record gain or lose fields between versions.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

    /**
     * The wire type of encoded values: one of {@link Wire#VARINT}, {@link Wire#FIXED64},
     * {@link Wire#LEN}, {@link Wire#FIXED32}.
     *
     * @return the wire type
     */
    int wireType();

    /**
     * Writes a value. Values of wire type {@link Wire#LEN} write their own length prefix.
     *
     * @param out the destination
     * @param value a non-null value
     */
    void write(Writer out, T value);

    /**
     * Reads a value written by {@link #write}.
     *
     * @param in the source, positioned at the value
     * @return the value, never null
     * @throws CodecException if the input is malformed
     */
    T read(Reader in);

    /**
     * The value a reader uses when a field or argument is absent: {@code 0}/{@code false} for
     * primitives, empty for collections and {@code Optional}, {@code null} otherwise.
     *
     * @return the value for "absent"
     */
    default T absent() {
        return null;
    }

    /**
     * Where a value holds a null that cannot cross a component boundary: a collection or
     * {@code Optional} that is null (it would arrive {@linkplain #absent() empty}), or a null
     * element, key or value of a collection, at any depth of collections and records. The
     * boundary's rules are applied with this without encoding; encoding refuses the same.
     *
     * @param value a non-null value
     * @return the path to the first such null from the value, such as {@code "[2]"},
     *     {@code ".lines[0].tags"} or {@code "[\"tea\"]"} (a map's value); empty if there is none
     */
    default Optional<String> nullInside(T value) {
        return Optional.empty();
    }
}
