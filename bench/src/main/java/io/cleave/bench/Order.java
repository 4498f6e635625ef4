package io.cleave.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A realistic order: the payload of the codec benchmark.
 *
 * @param id the order's id
 * @param customer who placed it
 * @param lines what was ordered
 * @param placedAt when
 * @param status where it is
 * @param total sum of the lines
 * @param currency ISO currency code
 */
public record Order(UUID id, Customer customer, List<OrderLine> lines, Instant placedAt, OrderStatus status,
        BigDecimal total, String currency) {
}
