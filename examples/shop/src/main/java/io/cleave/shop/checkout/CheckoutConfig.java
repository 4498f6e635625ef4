package io.cleave.shop.checkout;

import java.time.Duration;

/**
 * Settings of {@link Checkout}, from the {@code [Checkout]} section of {@code cleave.toml}.
 *
 * @param orderDeadline how long an order's steps are retried when a component fails, before
 *     the order is undone (stock released, charge refunded) and ends failed: no order stays
 *     pending longer, however the components fail
 */
public record CheckoutConfig(Duration orderDeadline) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the deadline is not positive
     */
    public CheckoutConfig {
        if (orderDeadline.isNegative() || orderDeadline.isZero()) {
            throw new IllegalArgumentException("Checkout.order-deadline must be positive, got " + orderDeadline);
        }
    }

    /**
     * The settings for keys the section leaves out: orders retried for 30 seconds.
     *
     * @return the defaults
     */
    public static CheckoutConfig defaults() {
        return new CheckoutConfig(Duration.ofSeconds(30));
    }
}
