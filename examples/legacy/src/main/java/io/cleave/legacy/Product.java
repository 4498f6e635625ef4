package io.cleave.legacy;

/**
 * A product in the legacy shop's catalog, as its API shows it.
 *
 * @param id its number
 * @param name its display name
 * @param priceCents its unit price in cents
 * @param stock how many are in stock
 */
record Product(long id, String name, long priceCents, int stock) {
}
