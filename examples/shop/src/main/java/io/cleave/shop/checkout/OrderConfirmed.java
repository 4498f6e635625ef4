package io.cleave.shop.checkout;

import java.util.UUID;

/**
 * Published by {@link Checkout} in the transaction that confirms an order: what happened, for
 * the components that react to it (the customer's notification, the recommendations).
 *
 * @param userId the customer
 * @param order the confirmed order, as priced and charged
 */
public record OrderConfirmed(UUID userId, Order order) {
}
