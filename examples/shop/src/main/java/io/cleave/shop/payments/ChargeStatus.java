package io.cleave.shop.payments;

/** What became of a charge. */
public enum ChargeStatus {
    /** The money was taken. */
    APPROVED,
    /** The provider refused; no money was taken. */
    DECLINED,
    /** The money was taken and given back. */
    REFUNDED,
    /** The order was refunded before any charge: no charge for it will take money. */
    VOIDED
}
