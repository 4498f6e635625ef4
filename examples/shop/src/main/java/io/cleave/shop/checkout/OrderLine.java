package io.cleave.shop.checkout;

import java.math.BigDecimal;

/**
 * One product of an order.
 *
 * @param productId the SKU
 * @param name the product's name when ordered
 * @param unitPrice the price paid per unit
 * @param quantity units ordered
 * @param lineTotal {@code unitPrice × quantity}
 */
public record OrderLine(String productId, String name, BigDecimal unitPrice, int quantity, BigDecimal lineTotal) {
}
