package io.cleave.shop.recommendations;

import io.cleave.Component;
import io.cleave.Fallback;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.Subscribe;
import io.cleave.shop.checkout.OrderConfirmed;
import java.util.List;

/**
 * "Customers who bought this also bought": products that appear in the same orders, learned
 * from confirmed orders ({@link OrderConfirmed}), cached per product and dropped when an order
 * teaches something new about it. Non-critical: when it cannot answer, its callers get the fallback's
 * answer (nothing, and {@code known == false}) instead of a failure.
 */
@Component
public interface Recommendations {

    /**
     * Learns from a confirmed order, once however often the event is delivered, and drops the
     * cached answers about its products.
     *
     * @param event the confirmed order, published by Checkout in the confirming transaction
     * @param eventId the event's id
     */
    @Subscribe
    void orderConfirmed(OrderConfirmed event, String eventId);

    /**
     * The products most often ordered together with a product, most frequent first (ties by SKU).
     *
     * @param productId the SKU
     * @param limit at most this many, 1 to 20
     * @return SKUs other than {@code productId}, empty when nobody ordered it with anything
     */
    @Idempotent
    @Fallback("unknownTogether")
    BoughtTogether boughtTogether(@Key String productId, int limit);

    /**
     * What {@link #boughtTogether} answers when Recommendations cannot: nothing, said to be unknown.
     *
     * @param productId the SKU
     * @param limit ignored
     * @return no SKUs, {@code known == false}
     */
    static BoughtTogether unknownTogether(String productId, int limit) {
        return new BoughtTogether(List.of(), false);
    }
}
