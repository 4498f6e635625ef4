package io.cleave.bench;

import io.cleave.Component;

/** The cache benchmark's component: the same lookup through a {@code Cache} and through a plain map. */
@Component
public interface CachedPrices {

    /**
     * A price through the component's near cache (loaded on the first call).
     *
     * @param sku the product
     * @return its price in cents
     */
    long cached(String sku);

    /**
     * The same price from a {@code ConcurrentHashMap}: the baseline.
     *
     * @param sku the product
     * @return its price in cents
     */
    long mapped(String sku);

    /**
     * The same price from a bare Caffeine cache built as cleave-cache builds its near tier (size
     * bound, expiry after write): what Caffeine itself costs.
     *
     * @param sku the product
     * @return its price in cents
     */
    long caffeine(String sku);
}
