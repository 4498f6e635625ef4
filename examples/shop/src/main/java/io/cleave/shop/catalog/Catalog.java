package io.cleave.shop.catalog;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.Subscribe;
import io.cleave.shop.InvalidInputException;
import java.util.List;

/**
 * What the shop sells: products in categories, with prices, and a word search over them.
 * Read-only for customers; seeded with the demo assortment at first start. Products and category
 * listings are cached ({@code cleave-cache}) and dropped when {@link ProductChanged} says a
 * product changed.
 */
@Component
public interface Catalog {

    /**
     * All categories, in display order.
     *
     * @return the categories
     */
    @Idempotent
    List<Category> categories();

    /**
     * Finds products whose name, description or category contains every word of the query,
     * best matches (words in the name) first.
     *
     * @param query words separated by spaces or punctuation; blank matches every product
     * @param categoryId a category to restrict to, or {@code ""} for all
     * @param offset how many matches to skip, 0 or more
     * @param limit how many to return, 1 to 100
     * @return one page of matches and the total count
     * @throws InvalidInputException if the offset or limit is out of range, or the category is unknown
     */
    @Idempotent
    ProductPage search(String query, String categoryId, int offset, int limit) throws InvalidInputException;

    /**
     * One product.
     *
     * @param id its SKU
     * @return the product
     * @throws UnknownProductException if no product has that id
     */
    @Idempotent
    Product product(@Key String id) throws UnknownProductException;

    /**
     * Several products at once.
     *
     * @param ids SKUs, at most 200
     * @return the products that exist, in the order of {@code ids}, without duplicates
     */
    @Idempotent
    List<Product> products(List<String> ids);

    /**
     * Changes a product's price and publishes {@link ProductChanged} in the same transaction.
     * For the shop's administrators (the storefront checks who may).
     *
     * @param id the product's SKU
     * @param price the new unit price, 0.01 to 1,000,000.00 with at most two decimals
     * @return the product as it is now
     * @throws UnknownProductException if no product has that id
     * @throws InvalidInputException if the price is out of range or has more than two decimals
     */
    @Idempotent
    Product setPrice(@Key String id, java.math.BigDecimal price) throws UnknownProductException, InvalidInputException;

    /**
     * Drops the changed product, and the listings it appears in, from every replica's cache.
     *
     * @param event the change
     * @param eventId its id
     */
    @Subscribe
    void productChanged(ProductChanged event, String eventId);
}
