package io.cleave.spi;

import java.util.function.Function;

/**
 * A checked exception declared by a component method, which crosses a process boundary as
 * its type and message and arrives as the same type.
 *
 * @param type the exception class
 * @param create its public {@code (String message)} constructor
 * @param <E> the exception type
 */
public record ExceptionType<E extends Exception>(Class<E> type, Function<String, E> create) {
}
