package io.cleave.shop.inventory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Units held for one order.
 *
 * @param orderId the order
 * @param items what is held
 * @param expiresAt when the hold lapses unless committed
 */
public record Reservation(UUID orderId, List<Item> items, Instant expiresAt) {
}
