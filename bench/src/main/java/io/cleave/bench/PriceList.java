package io.cleave.bench;

import io.cleave.Component;

/** The call benchmark's component: a method cheap enough that the cost of the call itself shows. */
@Component
public interface PriceList {

    /**
     * Looks up a price.
     *
     * @param productId the product
     * @return its unit price in cents
     */
    long priceCents(long productId);
}
