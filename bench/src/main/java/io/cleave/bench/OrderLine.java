package io.cleave.bench;

import java.math.BigDecimal;

/**
 * One line of an order.
 *
 * @param productId the product's id
 * @param sku the stock-keeping unit
 * @param quantity how many
 * @param unitPrice price of one, in the order's currency
 */
public record OrderLine(long productId, String sku, int quantity, BigDecimal unitPrice) {
}
