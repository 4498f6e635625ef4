package io.cleave.cache.app;

import io.cleave.Component;
import io.cleave.Idempotent;

/** The price list of the tests: the source of truth, in its own store. */
@Component
public interface Prices {

    /**
     * Sets a price and publishes {@link PriceChanged} in the same transaction.
     *
     * @param sku the product
     * @param cents its price
     */
    void set(String sku, long cents);

    /**
     * Reads a price from the store.
     *
     * @param sku the product
     * @return its price, 0 if it has none
     */
    @Idempotent
    long price(String sku);
}
