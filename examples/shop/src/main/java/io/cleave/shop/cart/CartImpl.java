package io.cleave.shop.cart;

import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.catalog.Catalog;
import io.cleave.shop.catalog.Product;
import io.cleave.shop.catalog.UnknownProductException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@link Cart} on its own store (table {@code cart_item}), pricing lines through {@link Catalog}. */
final class CartImpl implements Cart {

    /** The most units of one product a cart holds. */
    static final int MAX_QUANTITY = 99;
    /** The most products a cart holds. */
    static final int MAX_LINES = 50;

    private final Store store;
    private final Catalog catalog;
    private final Clock clock;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param catalog where products and prices come from
     * @param clock the time source for when lines were added
     */
    public CartImpl(Store store, Catalog catalog, Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public CartContents contents(UUID userId) {
        Map<String, Integer> quantities = store.read(c -> quantities(c, userId));
        List<CartLine> lines = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO.setScale(2);
        int count = 0;
        // a product the catalog dropped since it was added no longer shows
        for (Product product : catalog.products(List.copyOf(quantities.keySet()))) {
            int quantity = quantities.get(product.id());
            BigDecimal lineTotal = product.price().multiply(BigDecimal.valueOf(quantity));
            lines.add(new CartLine(product.id(), product.name(), product.price(), quantity, lineTotal));
            total = total.add(lineTotal);
            count += quantity;
        }
        return new CartContents(lines, count, total);
    }

    @Override
    public CartContents add(UUID userId, String productId, int quantity) throws UnknownProductException, InvalidInputException {
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            throw new InvalidInputException("quantity must be 1 to " + MAX_QUANTITY + ", got " + quantity);
        }
        catalog.product(productId);
        write(userId, c -> {
            Map<String, Integer> current = quantities(c, userId);
            int now = current.getOrDefault(productId, 0);
            if (now + quantity > MAX_QUANTITY) {
                throw new InvalidInputException("the cart already holds " + now + " of \"" + productId
                        + "\"; at most " + MAX_QUANTITY + " fit in one line");
            }
            put(c, userId, productId, now + quantity, current);
        });
        return contents(userId);
    }

    @Override
    public CartContents setQuantity(UUID userId, String productId, int quantity) throws UnknownProductException, InvalidInputException {
        if (quantity < 0 || quantity > MAX_QUANTITY) {
            throw new InvalidInputException("quantity must be 0 to " + MAX_QUANTITY + ", got " + quantity);
        }
        if (quantity > 0) {
            catalog.product(productId);
        }
        write(userId, c -> {
            Map<String, Integer> current = quantities(c, userId);
            if (quantity == 0) {
                try (PreparedStatement ps = c.prepareStatement("delete from cart_item where user_id = ? and product_id = ?")) {
                    ps.setObject(1, userId);
                    ps.setString(2, productId);
                    ps.executeUpdate();
                }
            } else {
                put(c, userId, productId, quantity, current);
            }
        });
        return contents(userId);
    }

    @Override
    public void removeOrdered(UUID userId, UUID orderId, Map<String, Integer> ordered) {
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into removed_order (order_id, user_id, removed_at)"
                    + " values (?, ?, ?) on conflict (order_id) do nothing")) {
                ps.setObject(1, orderId);
                ps.setObject(2, userId);
                ps.setObject(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                if (ps.executeUpdate() == 0) {
                    return; // removed before
                }
            }
            for (Map.Entry<String, Integer> line : ordered.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "delete from cart_item where user_id = ? and product_id = ? and quantity <= ?")) {
                    ps.setObject(1, userId);
                    ps.setString(2, line.getKey());
                    ps.setInt(3, line.getValue());
                    if (ps.executeUpdate() == 1) {
                        continue;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "update cart_item set quantity = quantity - ? where user_id = ? and product_id = ?")) {
                    ps.setInt(1, line.getValue());
                    ps.setObject(2, userId);
                    ps.setString(3, line.getKey());
                    ps.executeUpdate();
                }
            }
        });
    }

    /** Runs a change; when a concurrent request inserted the same line first, runs it once more on the new state. */
    private void write(UUID userId, Store.SqlAction<InvalidInputException> change) throws InvalidInputException {
        try {
            store.run(change);
        } catch (StoreException e) {
            if (!"23505".equals(e.sqlState())) {
                throw e;
            }
            store.run(change);
        }
    }

    private void put(Connection c, UUID userId, String productId, int quantity, Map<String, Integer> current)
            throws SQLException, InvalidInputException {
        if (current.containsKey(productId)) {
            try (PreparedStatement ps = c.prepareStatement("update cart_item set quantity = ? where user_id = ? and product_id = ?")) {
                ps.setInt(1, quantity);
                ps.setObject(2, userId);
                ps.setString(3, productId);
                ps.executeUpdate();
            }
            return;
        }
        if (current.size() >= MAX_LINES) {
            throw new InvalidInputException("a cart holds at most " + MAX_LINES + " different products");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into cart_item (user_id, product_id, quantity, added_at) values (?, ?, ?, ?)")) {
            ps.setObject(1, userId);
            ps.setString(2, productId);
            ps.setInt(3, quantity);
            ps.setObject(4, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    private static Map<String, Integer> quantities(Connection c, UUID userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select product_id, quantity from cart_item where user_id = ? order by added_at, product_id")) {
            ps.setObject(1, userId);
            Map<String, Integer> quantities = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    quantities.put(rs.getString(1), rs.getInt(2));
                }
            }
            return quantities;
        }
    }
}
