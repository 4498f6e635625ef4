package io.cleave.bench;

/**
 * What {@link CachedPrices} caches.
 *
 * @param cents a unit price in cents
 */
public record CachedPrice(long cents) {
}
