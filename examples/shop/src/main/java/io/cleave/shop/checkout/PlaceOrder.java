package io.cleave.shop.checkout;

import io.cleave.shop.inventory.Item;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * The state of the checkout saga, journaled in Checkout's store after every step: what the
 * steps need to run, or to run again after a crash, with no request at hand.
 *
 * @param orderId the order, also the saga's id and every step's idempotency key
 * @param userId the customer
 * @param card the card to charge (the simulated provider needs the number; a real shop would
 *     keep the provider's token for it here, never the number)
 * @param total the amount to charge
 * @param items the units to reserve and take
 * @param cardLast4 the charged card's last four digits, once the charge step ran
 */
public record PlaceOrder(UUID orderId, UUID userId, String card, BigDecimal total, List<Item> items, String cardLast4) {

    /**
     * The state after the card was charged.
     *
     * @param last4 the charged card's last four digits
     * @return the new state
     */
    PlaceOrder charged(String last4) {
        return new PlaceOrder(orderId, userId, card, total, items, last4);
    }
}
