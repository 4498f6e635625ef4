package io.cleave.shop.payments;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * The outcome of charging a card for an order.
 *
 * @param orderId the order paid for
 * @param userId the paying customer
 * @param amount the amount charged (or attempted)
 * @param cardLast4 the last four digits of the card; the number itself is not kept
 * @param status what happened
 * @param message the provider's explanation, such as {@code "insufficient funds"}
 * @param createdAt when the charge was attempted
 */
public record Charge(UUID orderId, UUID userId, BigDecimal amount, String cardLast4, ChargeStatus status, String message,
        Instant createdAt) {
}
