package io.cleave.shop.recommendations;

import io.cleave.Cache;
import io.cleave.Inbox;
import io.cleave.Store;
import io.cleave.shop.checkout.OrderConfirmed;
import io.cleave.shop.checkout.OrderLine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link Recommendations} on its own store: table {@code order_product} holds which products
 * each order contained; "bought together" is a self-join counting shared orders, cached per
 * product (the top 20) and invalidated by the orders that change it.
 */
final class RecommendationsImpl implements Recommendations {

    private static final int MOST = 20;

    private final Store store;
    private final Inbox inbox;
    private final Cache<BoughtTogether> together;
    private final RecommendationsConfig config;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param inbox applies each confirmed order once
     * @param together the top products bought with each product
     * @param config its settings
     */
    public RecommendationsImpl(Store store, Inbox inbox, Cache<BoughtTogether> together, RecommendationsConfig config) {
        this.store = store;
        this.inbox = inbox;
        this.together = together;
        this.config = config;
    }

    @Override
    public void orderConfirmed(OrderConfirmed event, String eventId) {
        Set<String> products = new LinkedHashSet<>();
        for (OrderLine line : event.order().lines()) {
            products.add(line.productId());
        }
        inbox.once(eventId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into order_product (order_id, product_id) values (?, ?) on conflict do nothing")) {
                for (String productId : products) {
                    ps.setObject(1, event.order().id());
                    ps.setString(2, productId);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
        // after the commit: a load running now reads the new rows, or its value is not kept
        products.forEach(together::invalidate);
    }

    @Override
    public BoughtTogether boughtTogether(String productId, int limit) {
        if (config.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < config.failureRate()) {
            throw new IllegalStateException("recommendations are unavailable (injected fault, failure-rate "
                    + config.failureRate() + ")");
        }
        int bounded = Math.clamp(limit, 1, MOST);
        List<String> top = together.get(productId, this::load).productIds();
        return new BoughtTogether(top.size() > bounded ? List.copyOf(top.subList(0, bounded)) : top, true);
    }

    private BoughtTogether load(String productId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    select other.product_id, count(*) as together
                    from order_product mine join order_product other
                      on other.order_id = mine.order_id and other.product_id <> mine.product_id
                    where mine.product_id = ?
                    group by other.product_id
                    order by together desc, other.product_id
                    fetch first ? rows only""")) {
                ps.setString(1, productId);
                ps.setInt(2, MOST);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return new BoughtTogether(ids, true);
            }
        });
    }
}
