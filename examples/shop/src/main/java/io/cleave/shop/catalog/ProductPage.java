package io.cleave.shop.catalog;

import java.util.List;

/**
 * One page of search results.
 *
 * @param products the products on this page
 * @param total how many products match in all
 */
public record ProductPage(List<Product> products, int total) {
}
