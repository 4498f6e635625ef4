package io.cleave.cache.app;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Subscribe;

/** Answers prices from a cache, invalidated when {@link PriceChanged} says a price changed. */
@Component
public interface Quotes {

    /**
     * The price of a product, from this replica's cache, else from {@link Prices}.
     *
     * @param sku the product
     * @return the price and the answering process
     */
    @Idempotent
    Quote quote(String sku);

    /**
     * Drops the changed price from every replica's cache and the shared tier.
     *
     * @param event the change
     * @param eventId its id
     */
    @Subscribe
    void priceChanged(PriceChanged event, String eventId);

    /** @return how many times this replica loaded a price from {@link Prices} */
    Loads loads();
}
