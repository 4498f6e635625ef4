package io.cleave.shop.inventory;

import java.time.Duration;

/**
 * Settings of {@link Inventory}, from the {@code [Inventory]} section of {@code cleave.toml}.
 *
 * @param reservationTtl how long a reservation holds units unless committed
 */
public record InventoryConfig(Duration reservationTtl) {

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException if the time to live is not positive
     */
    public InventoryConfig {
        if (reservationTtl.isNegative() || reservationTtl.isZero()) {
            throw new IllegalArgumentException("Inventory.reservation-ttl must be positive, got " + reservationTtl);
        }
    }

    /**
     * The settings for keys the section leaves out: reservations held ten minutes.
     *
     * @return the defaults
     */
    public static InventoryConfig defaults() {
        return new InventoryConfig(Duration.ofMinutes(10));
    }
}
