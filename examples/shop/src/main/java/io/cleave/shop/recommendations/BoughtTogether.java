package io.cleave.shop.recommendations;

import java.util.List;

/**
 * What {@link Recommendations#boughtTogether} answers.
 *
 * @param productIds SKUs ordered together with the product, most frequent first
 * @param known false when recommendations could not be had (the fallback's answer): the page
 *     shows none and says so
 */
public record BoughtTogether(List<String> productIds, boolean known) {
}
