package io.cleave.shop.checkout;

import io.cleave.shop.inventory.Item;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The state of the checkout saga, journaled in Checkout's store after every step: what the
 * steps need to run, or to run again after a crash, with no request at hand, and what the
 * confirmed order is, so that neither the confirmation nor the answer reads it back.
 *
 * @param orderId the order, also the saga's id and every step's idempotency key
 * @param userId the customer
 * @param card the card to charge (the simulated provider needs the number; a real shop would
 *     keep the provider's token for it here, never the number)
 * @param lines what is ordered, at the prices of the moment
 * @param total the amount to charge
 * @param placedAt when the order was placed
 * @param cardLast4 the charged card's last four digits, once the charge step ran
 */
public record PlaceOrder(UUID orderId, UUID userId, String card, List<OrderLine> lines, BigDecimal total, Instant placedAt,
        String cardLast4) {

    /** @return the units to reserve and take */
    List<Item> items() {
        return lines.stream().map(line -> new Item(line.productId(), line.quantity())).toList();
    }

    /**
     * The state after the card was charged.
     *
     * @param last4 the charged card's last four digits
     * @return the new state
     */
    PlaceOrder charged(String last4) {
        return new PlaceOrder(orderId, userId, card, lines, total, placedAt, last4);
    }

    /** @return the order as confirmed */
    Order confirmed() {
        return new Order(orderId, OrderStatus.CONFIRMED, lines, total, cardLast4, "", placedAt);
    }
}
