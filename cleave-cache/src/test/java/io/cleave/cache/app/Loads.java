package io.cleave.cache.app;

/**
 * How many prices one replica of {@link Quotes} loaded from {@link Prices}.
 *
 * @param pid the replica's process
 * @param count its loads
 */
public record Loads(long pid, long count) {
}
