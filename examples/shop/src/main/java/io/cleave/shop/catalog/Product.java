package io.cleave.shop.catalog;

import java.math.BigDecimal;

/**
 * A product for sale.
 *
 * @param id its SKU, such as {@code SKU-00042}
 * @param name its display name
 * @param description a sentence or two about it
 * @param categoryId its category's id
 * @param price its current unit price, with two decimals
 */
public record Product(String id, String name, String description, String categoryId, BigDecimal price) {
}
