package io.cleave.shop.cart;

import java.math.BigDecimal;

/**
 * One product in a cart.
 *
 * @param productId the SKU
 * @param name the product's name
 * @param unitPrice its current price
 * @param quantity units in the cart
 * @param lineTotal {@code unitPrice × quantity}
 */
public record CartLine(String productId, String name, BigDecimal unitPrice, int quantity, BigDecimal lineTotal) {
}
