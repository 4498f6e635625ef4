package io.cleave.shop.checkout;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order: what was bought at which prices, and how the attempt ended.
 *
 * @param id chosen by the client
 * @param status where the saga stands
 * @param lines the products, as priced when the order was placed
 * @param total the sum of the line totals
 * @param cardLast4 the last four digits of the card charged, or {@code ""} before the charge
 * @param failure why a failed order failed, or {@code ""}
 * @param placedAt when the order was placed
 */
public record Order(UUID id, OrderStatus status, List<OrderLine> lines, BigDecimal total, String cardLast4, String failure,
        Instant placedAt) {
}
