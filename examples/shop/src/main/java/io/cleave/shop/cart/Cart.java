package io.cleave.shop.cart;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.catalog.UnknownProductException;
import java.util.Map;
import java.util.UUID;

/**
 * Each customer's shopping cart: products and quantities, kept in the cart's own store so it
 * survives restarts. Prices are the catalog's current ones, looked up when the cart is read.
 */
@Component
public interface Cart {

    /**
     * What is in a customer's cart.
     *
     * @param userId the customer
     * @return the cart; empty for a customer who never added anything
     */
    @Idempotent
    CartContents contents(@Key UUID userId);

    /**
     * Adds units of a product to the cart.
     *
     * @param userId the customer
     * @param productId the SKU
     * @param quantity units to add, 1 to 99
     * @return the cart afterwards
     * @throws UnknownProductException if the catalog has no such product
     * @throws InvalidInputException if the quantity is out of range, or the line would then
     *     hold more than 99 units, or the cart more than
     *     50 products
     */
    CartContents add(@Key UUID userId, String productId, int quantity) throws UnknownProductException, InvalidInputException;

    /**
     * Sets how many units of a product the cart holds; 0 removes the product.
     *
     * @param userId the customer
     * @param productId the SKU
     * @param quantity 0 to 99
     * @return the cart afterwards
     * @throws UnknownProductException if the catalog has no such product (when adding it)
     * @throws InvalidInputException if the quantity is out of range, or the cart would hold
     *     more than 50 products
     */
    @Idempotent
    CartContents setQuantity(@Key UUID userId, String productId, int quantity) throws UnknownProductException, InvalidInputException;

    /**
     * Takes what an order bought out of the customer's cart: each product's line loses the
     * ordered units, and goes when none are left. Units added after the order stay. Once per
     * order: removing the same order's units again changes nothing.
     *
     * @param userId the customer
     * @param orderId the order, whose id makes repeating this harmless
     * @param ordered units bought per SKU
     */
    @Idempotent
    void removeOrdered(@Key UUID userId, UUID orderId, Map<String, Integer> ordered);
}
