package io.cleave.shop.cart;

import java.math.BigDecimal;
import java.util.List;

/**
 * A cart as the customer sees it.
 *
 * @param lines the products, in the order they were first added
 * @param itemCount units in all lines
 * @param total the sum of the line totals
 */
public record CartContents(List<CartLine> lines, int itemCount, BigDecimal total) {
}
