package io.cleave.bench;

/**
 * Who placed an order.
 *
 * @param id the customer's id
 * @param name full name
 * @param email e-mail address
 * @param country ISO country code
 */
public record Customer(long id, String name, String email, String country) {
}
