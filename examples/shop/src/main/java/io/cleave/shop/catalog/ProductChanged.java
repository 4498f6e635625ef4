package io.cleave.shop.catalog;

import java.math.BigDecimal;

/**
 * Published by {@link Catalog} in the transaction that changes a product: whoever keeps a copy of
 * it (a cache) drops it.
 *
 * @param productId the product's SKU
 * @param categoryId its category
 * @param price its price now
 */
public record ProductChanged(String productId, String categoryId, BigDecimal price) {
}
