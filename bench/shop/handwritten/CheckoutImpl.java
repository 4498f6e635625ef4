package io.cleave.shop.checkout;

import io.cleave.Events;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.cart.Cart;
import io.cleave.shop.cart.CartContents;
import io.cleave.shop.inventory.Inventory;
import io.cleave.shop.inventory.Item;
import io.cleave.shop.inventory.OutOfStockException;
import io.cleave.shop.inventory.ReservationExpiredException;
import io.cleave.shop.payments.CardNumber;
import io.cleave.shop.payments.Charge;
import io.cleave.shop.payments.ChargeStatus;
import io.cleave.shop.payments.Payments;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * THE BASELINE OF bench/saga-cost.sh, NOT THE SHOP'S CODE: the checkout as it was written by hand
 * before cleave-saga (commit 1bef050), with Cart.clear replaced by Cart.removeOrdered, and the calls
 * to Notifications and Recommendations replaced by publishing OrderConfirmed in the confirming
 * transaction, as the shop does since 2026-12-05 (the same work on both sides). The script
 * builds a copy of the shop with this file in place of CheckoutImpl.java to measure what the
 * durable saga costs per checkout.
 *
 * <p>{@link Checkout}: the saga reserve → charge → commit → confirm, recorded in its own store
 * (tables {@code customer_order}, {@code order_line}). Every step it calls is idempotent by
 * order id, so an interrupted attempt is resumed by simply running the steps again. A lease on
 * the order row keeps two requests from running the same order's saga at once.
 */
final class CheckoutImpl implements Checkout {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final Store store;
    private final Cart cart;
    private final Inventory inventory;
    private final Payments payments;
    private final Events<OrderConfirmed> confirmedEvents;
    private final Clock clock;
    private final System.Logger log;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param cart where orders come from
     * @param inventory holds and takes the stock
     * @param payments charges and refunds
     * @param confirmedEvents where a confirmed order is announced (notifications, recommendations)
     * @param clock the time source for order timestamps and leases
     * @param log where failed steps are reported
     */
    public CheckoutImpl(Store store, Cart cart, Inventory inventory, Payments payments, Events<OrderConfirmed> confirmedEvents,
            Clock clock, System.Logger log) {
        this.store = store;
        this.cart = cart;
        this.inventory = inventory;
        this.payments = payments;
        this.confirmedEvents = confirmedEvents;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public Order placeOrder(UUID userId, UUID orderId, String cardNumber)
            throws InvalidInputException, OutOfStockException, PaymentDeclinedException, CheckoutFailedException {
        if (CardNumber.digits(cardNumber).isEmpty()) {
            throw new InvalidInputException("card number is not valid; try the test card 4242 4242 4242 4242");
        }
        Optional<Stored> existing = find(orderId);
        if (existing.isEmpty()) {
            CartContents contents = cart.contents(userId);
            if (contents.lines().isEmpty()) {
                throw new InvalidInputException("the cart is empty");
            }
            Optional<Order> created = create(userId, orderId, contents);
            if (created.isPresent()) {
                return runSaga(userId, created.get(), cardNumber);
            }
            existing = find(orderId); // another request created it first
        }
        Stored stored = existing.orElseThrow(() -> new IllegalStateException("order " + orderId + " vanished"));
        if (!stored.userId().equals(userId)) {
            throw new InvalidInputException("order id " + orderId + " is already taken; choose a new one");
        }
        Order order = stored.order();
        return switch (order.status()) {
            case CONFIRMED -> order;
            case FAILED -> repeatFailure(stored.failureKind(), order.failure());
            case PENDING -> {
                if (!claimLease(orderId)) {
                    throw new CheckoutFailedException("order " + orderId + " is being placed by another request; try again in a moment");
                }
                yield runSaga(userId, order, cardNumber);
            }
        };
    }

    private Order runSaga(UUID userId, Order order, String cardNumber)
            throws InvalidInputException, OutOfStockException, PaymentDeclinedException, CheckoutFailedException {
        UUID id = order.id();
        List<Item> items = order.lines().stream().map(line -> new Item(line.productId(), line.quantity())).toList();
        try {
            inventory.reserve(id, items);
        } catch (OutOfStockException e) {
            fail(id, "OUT_OF_STOCK", e.getMessage());
            throw e;
        } catch (InvalidInputException | RuntimeException e) {
            throw compensate(id, "reserving stock", e, false);
        }

        Charge charge;
        try {
            charge = payments.charge(id, userId, order.total(), cardNumber);
        } catch (InvalidInputException | RuntimeException e) {
            throw compensate(id, "charging the card", e, true);
        }
        if (charge.status() != ChargeStatus.APPROVED) {
            String reason = "payment declined: " + charge.message();
            try {
                inventory.release(id);
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "order " + id + ": releasing stock after a declined payment failed;"
                        + " the reservation will expire instead", e);
            }
            fail(id, "DECLINED", reason);
            throw new PaymentDeclinedException(reason);
        }

        try {
            inventory.commit(id);
        } catch (ReservationExpiredException e) {
            throw compensate(id, "taking the stock", e, true);
        } catch (RuntimeException e) {
            // whether the stock was taken is unknown: compensating could lose units; a retry finishes the commit
            log.log(System.Logger.Level.WARNING, "order " + id + ": committing stock failed; the order stays pending", e);
            throw new CheckoutFailedException("the order could not be completed right now; try again with the same order id");
        }

        Order confirmed = confirm(id, charge.cardLast4());
        afterConfirmation(userId, confirmed);
        return confirmed;
    }

    /**
     * Undoes what may have been done for an order after a step failed unexpectedly, then fails
     * it. If compensation fails too, the order stays pending for a retry to resume or compensate.
     */
    private CheckoutFailedException compensate(UUID id, String step, Exception cause, boolean mayHaveCharged) {
        log.log(System.Logger.Level.WARNING, "order " + id + ": " + step + " failed; compensating", cause);
        try {
            if (mayHaveCharged) {
                payments.refund(id);
            }
            inventory.release(id);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.ERROR, "order " + id + ": compensation failed; the order stays pending", e);
            return new CheckoutFailedException("the order could not be completed (" + step
                    + " failed); try again with the same order id");
        }
        String reason = step + " failed; nothing was charged";
        fail(id, "ERROR", reason);
        return new CheckoutFailedException("the order could not be completed: " + reason + "; try again");
    }

    private void afterConfirmation(UUID userId, Order order) {
        try {
            cart.removeOrdered(userId, order.id(), order.lines().stream()
                    .collect(java.util.stream.Collectors.toMap(OrderLine::productId, OrderLine::quantity, Integer::sum)));
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "order " + order.id() + " confirmed, but emptying the cart failed", e);
        }
    }

    /** The failure a failed order ended with, for a retry of it. */
    private static Order repeatFailure(String kind, String message)
            throws OutOfStockException, PaymentDeclinedException, CheckoutFailedException {
        switch (kind) {
            case "OUT_OF_STOCK" -> throw new OutOfStockException(message);
            case "DECLINED" -> throw new PaymentDeclinedException(message);
            default -> throw new CheckoutFailedException("this order failed earlier (" + message + "); place it with a new order id");
        }
    }

    @Override
    public List<Order> orders(UUID userId, int limit) {
        int bounded = Math.clamp(limit, 1, 100);
        return store.read(c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id from customer_order where user_id = ? order by placed_at desc, id fetch first ? rows only")) {
                ps.setObject(1, userId);
                ps.setInt(2, bounded);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            List<Order> orders = new ArrayList<>();
            for (UUID id : ids) {
                load(c, id).map(Stored::order).ifPresent(orders::add);
            }
            return orders;
        });
    }

    @Override
    public Order order(UUID userId, UUID orderId) throws UnknownOrderException {
        return find(orderId)
                .filter(stored -> stored.userId().equals(userId))
                .map(Stored::order)
                .orElseThrow(() -> new UnknownOrderException("no order " + orderId));
    }

    /** Inserts the order as pending, leased to this request; empty if the id exists already. */
    private Optional<Order> create(UUID userId, UUID orderId, CartContents contents) {
        Instant now = clock.instant();
        List<OrderLine> lines = contents.lines().stream()
                .map(line -> new OrderLine(line.productId(), line.name(), line.unitPrice(), line.quantity(), line.lineTotal()))
                .toList();
        Order order = new Order(orderId, OrderStatus.PENDING, lines, contents.total(), "", "", now);
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into customer_order (id, user_id, status, total, card_last4, failure_kind, failure, placed_at, lease_until)
                        values (?, ?, 'PENDING', ?, '', '', '', ?, ?)""")) {
                    ps.setObject(1, orderId);
                    ps.setObject(2, userId);
                    ps.setBigDecimal(3, order.total());
                    ps.setObject(4, timestamp(now));
                    ps.setObject(5, timestamp(now.plus(LEASE)));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into order_line (order_id, position, product_id, name, unit_price, quantity)
                        values (?, ?, ?, ?, ?, ?)""")) {
                    int position = 0;
                    for (OrderLine line : lines) {
                        ps.setObject(1, orderId);
                        ps.setInt(2, position++);
                        ps.setString(3, line.productId());
                        ps.setString(4, line.name());
                        ps.setBigDecimal(5, line.unitPrice());
                        ps.setInt(6, line.quantity());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            });
            return Optional.of(order);
        } catch (StoreException e) {
            if ("23505".equals(e.sqlState())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private boolean claimLease(UUID orderId) {
        Instant now = clock.instant();
        return store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update customer_order set lease_until = ? where id = ? and status = 'PENDING' and lease_until <= ?")) {
                ps.setObject(1, timestamp(now.plus(LEASE)));
                ps.setObject(2, orderId);
                ps.setObject(3, timestamp(now));
                return ps.executeUpdate() == 1;
            }
        });
    }

    private Order confirm(UUID orderId, String cardLast4) {
        return store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update customer_order set status = 'CONFIRMED', card_last4 = ? where id = ? and status = 'PENDING'")) {
                ps.setString(1, cardLast4);
                ps.setObject(2, orderId);
                if (ps.executeUpdate() == 1) {
                    Stored stored = load(c, orderId).orElseThrow();
                    confirmedEvents.publish(c, orderId.toString(), new OrderConfirmed(stored.userId(), stored.order()));
                    return stored.order();
                }
            }
            return load(c, orderId).orElseThrow().order();
        });
    }

    private void fail(UUID orderId, String kind, String reason) {
        String bounded = reason.length() > 500 ? reason.substring(0, 500) : reason;
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update customer_order set status = 'FAILED', failure_kind = ?, failure = ? where id = ? and status = 'PENDING'")) {
                ps.setString(1, kind);
                ps.setString(2, bounded);
                ps.setObject(3, orderId);
                ps.executeUpdate();
            }
        });
    }

    private Optional<Stored> find(UUID orderId) {
        return store.read(c -> load(c, orderId));
    }

    private static Optional<Stored> load(Connection c, UUID orderId) throws SQLException {
        UUID userId;
        OrderStatus status;
        BigDecimal total;
        String cardLast4;
        String failureKind;
        String failure;
        Instant placedAt;
        try (PreparedStatement ps = c.prepareStatement(
                "select user_id, status, total, card_last4, failure_kind, failure, placed_at from customer_order where id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                userId = rs.getObject(1, UUID.class);
                status = OrderStatus.valueOf(rs.getString(2));
                total = rs.getBigDecimal(3);
                cardLast4 = rs.getString(4);
                failureKind = rs.getString(5);
                failure = rs.getString(6);
                placedAt = rs.getObject(7, OffsetDateTime.class).toInstant();
            }
        }
        Map<Integer, OrderLine> lines = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select position, product_id, name, unit_price, quantity from order_line where order_id = ? order by position")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal price = rs.getBigDecimal(4);
                    int quantity = rs.getInt(5);
                    lines.put(rs.getInt(1), new OrderLine(rs.getString(2), rs.getString(3), price, quantity,
                            price.multiply(BigDecimal.valueOf(quantity))));
                }
            }
        }
        Order order = new Order(orderId, status, List.copyOf(lines.values()), total, cardLast4, failure, placedAt);
        return Optional.of(new Stored(userId, failureKind, order));
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private record Stored(UUID userId, String failureKind, Order order) {
    }
}
