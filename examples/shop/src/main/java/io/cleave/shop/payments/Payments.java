package io.cleave.shop.payments;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.shop.InvalidInputException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The payment provider. This one is simulated (the shop's only fake, standing in for an
 * external company): it answers after a configured latency and declines a configured share of
 * charges, decided by a seeded hash of the order id so a run can be replayed. Like real
 * providers it declines test cards on purpose: {@code 4000 0000 0000 0002} (card declined) and
 * {@code 4000 0000 0000 9995} (insufficient funds); {@code 4242 4242 4242 4242} is the usual good card.
 *
 * <p>Every charge is identified by its order id: charging an order twice charges it once.
 */
@Component
public interface Payments {

    /**
     * Charges a card for an order, or returns the earlier outcome for the same order. A charge
     * for an order that was {@linkplain #refund refunded} before it was ever charged comes back
     * {@link ChargeStatus#VOIDED} and takes no money.
     *
     * @param orderId the order being paid; the idempotency key
     * @param userId the paying customer
     * @param amount the amount, positive, at most two decimals
     * @param cardNumber 12 to 19 digits passing the Luhn check; spaces and dashes are ignored
     * @return the charge: {@link ChargeStatus#APPROVED} if the money was taken
     * @throws InvalidInputException if the amount or card number is malformed, or the order
     *     was already charged a different amount
     */
    @Idempotent
    Charge charge(@Key UUID orderId, UUID userId, BigDecimal amount, String cardNumber) throws InvalidInputException;

    /**
     * Gives back the money of an approved charge. If the order was never charged, voids its id
     * so that a charge still in flight for it takes no money.
     *
     * @param orderId the order
     * @return the charge as it is now, or empty if there was none
     */
    @Idempotent
    Optional<Charge> refund(@Key UUID orderId);

    /**
     * A customer's charges, newest first.
     *
     * @param userId the customer
     * @return every charge, approved, declined or refunded
     */
    @Idempotent
    List<Charge> charges(UUID userId);
}
