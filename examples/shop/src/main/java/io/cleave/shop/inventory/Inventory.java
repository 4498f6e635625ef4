package io.cleave.shop.inventory;

import io.cleave.Component;
import io.cleave.Fallback;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.shop.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Units in the warehouse per product, and reservations that hold units for an order while it
 * is paid for. A reservation is all-or-nothing over its items, expires unless committed, and
 * is identified by its order id, so every operation on it can be retried safely.
 */
@Component
public interface Inventory {

    /**
     * Units that can still be reserved: on hand minus held by reservations.
     *
     * @param productIds SKUs; unknown ones count as 0
     * @return available units per SKU, for every SKU asked (the fallback answers none)
     */
    @Idempotent
    @Fallback("availabilityUnknown")
    Map<String, Integer> available(List<String> productIds);

    /**
     * What {@link #available} answers when Inventory cannot: no count for any SKU, which callers
     * show as "availability unknown" rather than failing the whole page.
     *
     * @param productIds the SKUs asked
     * @return an empty map
     */
    static Map<String, Integer> availabilityUnknown(List<String> productIds) {
        return Map.of();
    }

    /**
     * Holds units of every item for an order, or none if any is short. Reserving again for the
     * same order returns the first reservation unchanged; reserving for an order that was
     * released (even one never reserved) is refused, so a late retry cannot hold stock for an
     * order that ended.
     *
     * @param orderId the order the units are for
     * @param items what to hold; each product at most once, quantities 1 or more
     * @return the reservation
     * @throws OutOfStockException if some product has fewer units available than asked; the
     *     message names it and how many are left; nothing is held
     * @throws InvalidInputException if the items are empty, repeat a product or have a
     *     quantity below 1, or the order was released
     */
    @Idempotent
    Reservation reserve(@Key UUID orderId, List<Item> items) throws OutOfStockException, InvalidInputException;

    /**
     * Takes the held units out of stock for good. Committing a committed reservation does
     * nothing.
     *
     * @param orderId the reservation's order
     * @throws ReservationExpiredException if the reservation expired or was released before
     *     it was committed, or never existed
     */
    @Idempotent
    void commit(@Key UUID orderId) throws ReservationExpiredException;

    /**
     * Undoes an order's reservation: held units return to the available stock, committed ones
     * to the units on hand; the order cannot be reserved afterwards. Releasing again, or
     * releasing an expired or unknown reservation, changes nothing more.
     *
     * @param orderId the reservation's order
     */
    @Idempotent
    void release(@Key UUID orderId);

    /**
     * Sets the units on hand of a product, as after a stock count; reservations keep their hold.
     *
     * @param productId the SKU
     * @param onHand units on hand, 0 or more
     * @throws InvalidInputException if {@code onHand} is negative, or the id is empty or longer than 200 characters
     */
    @Idempotent
    void setStock(String productId, int onHand) throws InvalidInputException;
}
