package io.cleave.shop.inventory;

/**
 * Units of one product.
 *
 * @param productId the SKU
 * @param quantity how many units
 */
public record Item(String productId, int quantity) {
}
