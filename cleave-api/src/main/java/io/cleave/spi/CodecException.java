package io.cleave.spi;

import java.io.Serial;

/**
 * Encoded input is malformed or does not match the expected type; the message says which
 * type or field and at which byte offset.
 */
public final class CodecException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public CodecException(String message) {
        super(message);
    }
}
