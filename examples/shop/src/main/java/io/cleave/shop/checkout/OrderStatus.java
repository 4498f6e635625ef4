package io.cleave.shop.checkout;

/** Where an order's saga stands. */
public enum OrderStatus {
    /** Being placed, or interrupted; placing it again with the same id resumes it. */
    PENDING,
    /** Paid for and its stock taken. */
    CONFIRMED,
    /** Abandoned; whatever was done was compensated. */
    FAILED
}
