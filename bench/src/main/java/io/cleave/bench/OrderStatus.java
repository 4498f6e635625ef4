package io.cleave.bench;

/** Where an order is in its life. */
public enum OrderStatus {
    /** Placed, not paid. */
    NEW,
    /** Paid. */
    PAID,
    /** On its way. */
    SHIPPED,
    /** Called off. */
    CANCELLED
}
