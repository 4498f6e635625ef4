package io.cleave.cache.app;

/**
 * A price as one replica of {@link Quotes} answered it.
 *
 * @param sku the product
 * @param cents its price
 * @param pid the answering process
 */
public record Quote(String sku, long cents, long pid) {
}
