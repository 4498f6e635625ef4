package io.cleave.cache.app;

/**
 * Says the price of a product changed.
 *
 * @param sku the product
 * @param cents its new price
 */
public record PriceChanged(String sku, long cents) {
}
