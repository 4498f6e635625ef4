package io.cleave.shop.checkout;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.inventory.OutOfStockException;
import java.util.List;
import java.util.UUID;

/**
 * Turns a customer's cart into an order, as a saga over other components: reserve the stock
 * ({@code Inventory}), charge the card ({@code Payments}), commit the stock, confirm. When a
 * step fails, the steps already done are compensated (the stock released, the charge
 * refunded) and the order ends {@link OrderStatus#FAILED}. Once confirmed, the cart is emptied,
 * the customer notified and the order taught to the recommendations; those are best-effort.
 *
 * <p>The client chooses the order id. Placing an order again with the same id (a retry after a
 * timeout, a double click) never charges twice: it returns the confirmed order, repeats the
 * failure, or resumes an attempt that was interrupted.
 */
@Component
public interface Checkout {

    /**
     * Places an order for everything in the customer's cart, at the catalog's current prices.
     *
     * @param userId the customer
     * @param orderId chosen by the client, new for each attempt the customer makes
     * @param cardNumber the card to charge
     * @return the confirmed order
     * @throws InvalidInputException if the cart is empty, the card number is malformed, or the
     *     order id belongs to another customer
     * @throws OutOfStockException if a product has too few units; nothing was charged
     * @throws PaymentDeclinedException if the provider declined the card; the stock was released
     * @throws CheckoutFailedException if a step failed unexpectedly, or the same order is
     *     being placed by another request right now; the message says whether to retry with
     *     the same order id
     */
    @Idempotent
    Order placeOrder(@Key UUID userId, UUID orderId, String cardNumber)
            throws InvalidInputException, OutOfStockException, PaymentDeclinedException, CheckoutFailedException;

    /**
     * A customer's orders, newest first, with every attempt's outcome.
     *
     * @param userId the customer
     * @param limit at most this many, 1 to 100
     * @return the orders
     */
    @Idempotent
    List<Order> orders(@Key UUID userId, int limit);

    /**
     * One of a customer's orders.
     *
     * @param userId the customer
     * @param orderId the order
     * @return the order
     * @throws UnknownOrderException if the customer has no order with that id
     */
    @Idempotent
    Order order(@Key UUID userId, UUID orderId) throws UnknownOrderException;
}
