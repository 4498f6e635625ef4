package io.cleave.cache.app;

/**
 * A cached price.
 *
 * @param sku the product
 * @param cents its price
 */
public record Price(String sku, long cents) {
}
