package io.cleave.shop.catalog;

/**
 * A group of products.
 *
 * @param id its identifier, such as {@code kitchen}
 * @param name its display name
 * @param icon an emoji that stands in for product photos
 */
public record Category(String id, String name, String icon) {
}
