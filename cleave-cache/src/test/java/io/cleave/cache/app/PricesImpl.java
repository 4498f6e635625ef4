package io.cleave.cache.app;

import io.cleave.Events;
import io.cleave.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/** Keeps prices in its store and publishes each change. */
public final class PricesImpl implements Prices {

    private final Store store;
    private final Events<PriceChanged> changed;

    /**
     * Creates it.
     *
     * @param store its store
     * @param changed where it publishes price changes
     */
    public PricesImpl(Store store, Events<PriceChanged> changed) {
        this.store = store;
        this.changed = changed;
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists price (sku varchar(100) primary key, cents bigint not null)");
            }
        });
    }

    @Override
    public void set(String sku, long cents) {
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into price (sku, cents) values (?, ?) on conflict (sku) do update set cents = excluded.cents")) {
                ps.setString(1, sku);
                ps.setLong(2, cents);
                ps.executeUpdate();
            }
            changed.publish(c, sku, new PriceChanged(sku, cents));
        });
    }

    @Override
    public long price(String sku) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select cents from price where sku = ?")) {
                ps.setString(1, sku);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }
}
