package io.cleave.shop.recommendations;

import io.cleave.Store;
import io.cleave.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link Recommendations} on its own store: table {@code order_product} holds which products
 * each order contained; "bought together" is a self-join counting shared orders.
 */
final class RecommendationsImpl implements Recommendations {

    private final Store store;
    private final RecommendationsConfig config;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param config its settings
     */
    public RecommendationsImpl(Store store, RecommendationsConfig config) {
        this.store = store;
        this.config = config;
    }

    @Override
    public void recordOrder(UUID orderId, List<String> productIds) {
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into order_product (order_id, product_id) values (?, ?)")) {
                    for (String productId : new LinkedHashSet<>(productIds)) {
                        ps.setObject(1, orderId);
                        ps.setString(2, productId);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        } catch (StoreException e) {
            // recorded before: this is a retry
            if (!"23505".equals(e.sqlState())) {
                throw e;
            }
        }
    }

    @Override
    public BoughtTogether boughtTogether(String productId, int limit) {
        if (config.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < config.failureRate()) {
            throw new IllegalStateException("recommendations are unavailable (injected fault, failure-rate "
                    + config.failureRate() + ")");
        }
        int bounded = Math.clamp(limit, 1, 20);
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
                ps.setInt(2, bounded);
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
