package io.cleave.shop.inventory;

import io.cleave.Cache;
import io.cleave.Lifecycle;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.demo.DemoCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@link Inventory} on its own store. Table {@code stock} keeps, per product, units on hand and
 * units held; a reservation moves units into "held" with one conditional update per product
 * ({@code on_hand - reserved >= quantity}), so concurrent reservations never oversell and
 * need no explicit locks. Table {@code reservation} records each hold and its state
 * ({@code HELD}, {@code COMMITTED}, {@code RELEASED}, {@code EXPIRED}); every state change is a
 * conditional update from {@code HELD}, so commit, release and the expiry sweep cannot both win.
 *
 * <p>Product pages ask for stock on every view, so available units are cached per SKU
 * ({@code Inventory.stock}) and every change drops the SKUs it touched once its transaction has
 * committed, before the call returns: whoever asks this process afterwards (the buyer's next page)
 * sees the change. Other replicas of Inventory drop them too with {@code [cache] redis-url};
 * without it they may show a count up to {@code near-ttl} old (the shop runs one Inventory). The
 * reservation itself never reads the cache: its conditional update decides.
 */
final class InventoryImpl implements Inventory, Lifecycle {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_ITEMS = 100;
    /** The longest product id: the stock cache's longest key. */
    private static final int MAX_ID = 200;

    private final Store store;
    private final Cache<Integer> stock;
    private final InventoryConfig config;
    private final Clock clock;
    private final System.Logger log;
    private ScheduledExecutorService sweeper;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param stock available units by SKU
     * @param config its settings
     * @param clock the time source for reservation expiry
     * @param log where the expiry sweep reports
     */
    public InventoryImpl(Store store, Cache<Integer> stock, InventoryConfig config, Clock clock, System.Logger log) {
        this.store = store;
        this.stock = stock;
        this.config = config;
        this.clock = clock;
        this.log = log;
    }

    /** Seeds the demo stock into an empty store and starts sweeping expired reservations every half time-to-live. */
    @Override
    public void start() {
        seedIfEmpty();
        sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("inventory-sweeper").factory());
        long period = Math.max(1_000, config.reservationTtl().toMillis() / 2);
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweepExpired();
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "expiry sweep failed; retrying in " + period + " ms", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void seedIfEmpty() {
        boolean empty = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from stock");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        });
        if (!empty) {
            return;
        }
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into stock (product_id, on_hand, reserved) values (?, ?, 0)")) {
                    for (DemoCatalog.DemoProduct product : DemoCatalog.products()) {
                        ps.setString(1, product.id());
                        ps.setInt(2, product.initialStock());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
        } catch (StoreException e) {
            // another replica seeded first
            if (!UNIQUE_VIOLATION.equals(e.sqlState())) {
                throw e;
            }
        }
    }

    @Override
    public Map<String, Integer> available(List<String> productIds) {
        Set<String> unique = new HashSet<>(productIds);
        if (unique.size() > 200) {
            throw new IllegalArgumentException("at most 200 products at once, got " + unique.size());
        }
        unique.removeIf(id -> !storable(id)); // no product has such an id (setStock refuses it): none available
        Map<String, Integer> cached = unique.isEmpty() ? Map.of() : stock.getAll(unique, missing -> store.read(c -> {
            Map<String, Integer> loaded = new LinkedHashMap<>();
            missing.forEach(id -> loaded.put(id, 0)); // unknown: none (a product added later is a change, which drops it)
            String marks = String.join(", ", Collections.nCopies(missing.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement(
                    "select product_id, on_hand - reserved from stock where product_id in (" + marks + ")")) {
                int index = 1;
                for (String id : missing) {
                    ps.setString(index++, id);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        loaded.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            return loaded;
        }));
        Map<String, Integer> result = new LinkedHashMap<>();
        productIds.forEach(id -> result.put(id, cached.getOrDefault(id, 0)));
        return result;
    }

    @Override
    public Reservation reserve(UUID orderId, List<Item> items) throws OutOfStockException, InvalidInputException {
        validate(items);
        Optional<Reservation> existing = store.read(c -> find(c, orderId));
        if (existing.isPresent()) {
            return existing.get();
        }
        sweepExpired();
        Instant expiresAt = clock.instant().plus(config.reservationTtl());
        List<Item> sorted = items.stream().sorted(Comparator.comparing(Item::productId)).toList();
        Optional<Reservation> reserved;
        try {
            reserved = store.transaction(c -> {
                if (!claimOrder(c, orderId)) {
                    return Optional.<Reservation>empty(); // released before: refused below
                }
                for (Item item : sorted) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "update stock set reserved = reserved + ? where product_id = ? and on_hand - reserved >= ?")) {
                        ps.setInt(1, item.quantity());
                        ps.setString(2, item.productId());
                        ps.setInt(3, item.quantity());
                        if (ps.executeUpdate() == 0) {
                            int left = available(c, item.productId());
                            throw new OutOfStockException(left == 0
                                    ? "\"" + item.productId() + "\" is out of stock"
                                    : "only " + left + " of \"" + item.productId() + "\" left, asked for " + item.quantity());
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into reservation (order_id, product_id, quantity, status, expires_at) values (?, ?, ?, 'HELD', ?)")) {
                    for (Item item : sorted) {
                        ps.setObject(1, orderId);
                        ps.setString(2, item.productId());
                        ps.setInt(3, item.quantity());
                        ps.setObject(4, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return Optional.of(new Reservation(orderId, sorted, expiresAt));
            });
        } catch (StoreException e) {
            // the same order was reserved concurrently and that attempt committed first
            if (UNIQUE_VIOLATION.equals(e.sqlState())) {
                Optional<Reservation> winner = store.read(c -> find(c, orderId));
                if (winner.isPresent()) {
                    return winner.get();
                }
            }
            throw e;
        } finally {
            forget(sorted.stream().map(Item::productId).toList());
        }
        return reserved.orElseThrow(() -> new InvalidInputException("order " + orderId
                + " was released before it could be reserved; reserve for a new order id"));
    }

    /**
     * Marks the order as reserving, first thing in the transaction. An order released before
     * (even before it was ever reserved: a compensation overtaking a late request) stays
     * released: false. A release running at the same time waits for this transaction.
     */
    private static boolean claimOrder(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into order_state (order_id, state) values (?, 'RESERVED') on conflict (order_id) do nothing")) {
            ps.setObject(1, orderId);
            if (ps.executeUpdate() == 1) {
                return true;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select state from order_state where order_id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getString(1).equals("RESERVED");
            }
        }
    }

    /** Takes held units out of stock: on hand and held both fall, so what is available does not change (nor the cache). */
    @Override
    public void commit(UUID orderId) throws ReservationExpiredException {
        Instant now = clock.instant();
        store.run(c -> {
            List<Row> rows = rows(c, orderId);
            if (rows.isEmpty()) {
                throw new ReservationExpiredException("no reservation for order " + orderId);
            }
            for (Row row : rows) {
                switch (row.status()) {
                    case "COMMITTED" -> {
                    }
                    case "HELD" -> {
                        if (!row.expiresAt().isAfter(now)) {
                            throw new ReservationExpiredException("the reservation for order " + orderId + " expired at " + row.expiresAt());
                        }
                        if (!transition(c, orderId, row, "COMMITTED")) {
                            throw new ReservationExpiredException("the reservation for order " + orderId + " was released while committing");
                        }
                        try (PreparedStatement ps = c.prepareStatement(
                                "update stock set on_hand = on_hand - ?, reserved = reserved - ? where product_id = ?")) {
                            ps.setInt(1, row.quantity());
                            ps.setInt(2, row.quantity());
                            ps.setString(3, row.productId());
                            ps.executeUpdate();
                        }
                    }
                    default -> throw new ReservationExpiredException(
                            "the reservation for order " + orderId + " is " + row.status().toLowerCase(Locale.ROOT));
                }
            }
        });
    }

    @Override
    public void release(UUID orderId) {
        Set<String> touched = new HashSet<>(); // SKUs whose available units changed
        try {
            store.run(c -> {
                // first, so a reservation for this order that is being made now finishes before, and one made later is refused
                try (PreparedStatement ps = c.prepareStatement("insert into order_state (order_id, state) values (?, 'RELEASED')"
                        + " on conflict (order_id) do update set state = 'RELEASED'")) {
                    ps.setObject(1, orderId);
                    ps.executeUpdate();
                }
                for (Row row : rows(c, orderId)) {
                    touched.add(row.productId());
                    if (row.status().equals("HELD") && transition(c, orderId, row, "HELD", "RELEASED")) {
                        returnHeld(c, row);
                    } else if (row.status().equals("COMMITTED") && transition(c, orderId, row, "COMMITTED", "RETURNED")) {
                        try (PreparedStatement ps = c.prepareStatement("update stock set on_hand = on_hand + ? where product_id = ?")) {
                            ps.setInt(1, row.quantity());
                            ps.setString(2, row.productId());
                            ps.executeUpdate();
                        }
                    }
                }
            });
        } finally {
            forget(touched);
        }
    }

    @Override
    public void setStock(String productId, int onHand) throws InvalidInputException {
        if (onHand < 0) {
            throw new InvalidInputException("stock on hand must be 0 or more, got " + onHand);
        }
        if (!storable(productId)) {
            throw new InvalidInputException("a product id must be 1 to " + MAX_ID + " characters, got "
                    + (productId == null ? "none" : productId.isEmpty() ? "an empty one" : productId.length() + " characters"));
        }
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("update stock set on_hand = ? where product_id = ? and reserved <= ?")) {
                    ps.setInt(1, onHand);
                    ps.setString(2, productId);
                    ps.setInt(3, onHand);
                    if (ps.executeUpdate() == 1) {
                        return;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("select reserved from stock where product_id = ?")) {
                    ps.setString(1, productId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            throw new InvalidInputException(rs.getInt(1) + " units of \"" + productId
                                    + "\" are reserved; stock on hand cannot go below that, got " + onHand);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("insert into stock (product_id, on_hand, reserved) values (?, ?, 0)")) {
                    ps.setString(1, productId);
                    ps.setInt(2, onHand);
                    ps.executeUpdate();
                }
            });
        } finally {
            forget(List.of(productId));
        }
    }

    /** Expires lapsed holds, each in its own short transaction so the sweep never holds many row locks. */
    private void sweepExpired() {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<Row> lapsed = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    select order_id, product_id, quantity, status, expires_at from reservation
                    where status = 'HELD' and expires_at <= ? fetch first 500 rows only""")) {
                ps.setObject(1, now);
                return readRows(ps);
            }
        });
        for (Row row : lapsed) {
            try {
                store.run(c -> {
                    if (transition(c, row.orderId(), row, "EXPIRED")) {
                        returnHeld(c, row);
                    }
                });
            } finally {
                forget(List.of(row.productId()));
            }
        }
    }

    private static boolean storable(String productId) {
        return productId != null && !productId.isEmpty() && productId.length() <= MAX_ID;
    }

    /** Drops SKUs from the stock cache, after the transaction that changed them ended (committed, or not known). */
    private void forget(Collection<String> productIds) {
        productIds.stream().filter(InventoryImpl::storable).forEach(stock::invalidate); // others were never cached
    }

    private static void validate(List<Item> items) throws InvalidInputException {
        if (items.isEmpty()) {
            throw new InvalidInputException("a reservation needs at least one item");
        }
        if (items.size() > MAX_ITEMS) {
            throw new InvalidInputException("a reservation holds at most " + MAX_ITEMS + " products, got " + items.size());
        }
        Set<String> seen = new HashSet<>();
        for (Item item : items) {
            if (item.quantity() < 1) {
                throw new InvalidInputException("quantity of \"" + item.productId() + "\" must be 1 or more, got " + item.quantity());
            }
            if (!seen.add(item.productId())) {
                throw new InvalidInputException("product \"" + item.productId() + "\" appears twice in one reservation");
            }
        }
    }

    private static int available(Connection c, String productId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select on_hand - reserved from stock where product_id = ?")) {
            ps.setString(1, productId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private static boolean transition(Connection c, UUID orderId, Row row, String to) throws SQLException {
        return transition(c, orderId, row, "HELD", to);
    }

    private static boolean transition(Connection c, UUID orderId, Row row, String from, String to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update reservation set status = ? where order_id = ? and product_id = ? and status = ?")) {
            ps.setString(1, to);
            ps.setObject(2, orderId);
            ps.setString(3, row.productId());
            ps.setString(4, from);
            return ps.executeUpdate() == 1;
        }
    }

    private static void returnHeld(Connection c, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update stock set reserved = reserved - ? where product_id = ?")) {
            ps.setInt(1, row.quantity());
            ps.setString(2, row.productId());
            ps.executeUpdate();
        }
    }

    private static Optional<Reservation> find(Connection c, UUID orderId) throws SQLException {
        List<Row> rows = rows(c, orderId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Item> items = rows.stream().map(row -> new Item(row.productId(), row.quantity())).toList();
        return Optional.of(new Reservation(orderId, items, rows.get(0).expiresAt()));
    }

    private static List<Row> rows(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select order_id, product_id, quantity, status, expires_at from reservation where order_id = ? order by product_id")) {
            ps.setObject(1, orderId);
            return readRows(ps);
        }
    }

    private static List<Row> readRows(PreparedStatement ps) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant()));
            }
        }
        return rows;
    }

    private record Row(UUID orderId, String productId, int quantity, String status, Instant expiresAt) {
    }
}
