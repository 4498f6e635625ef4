package io.cleave.shop.checkout;

import io.cleave.Events;
import io.cleave.Saga;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.cart.Cart;
import io.cleave.shop.cart.CartContents;
import io.cleave.shop.inventory.Inventory;
import io.cleave.shop.inventory.Item;
import io.cleave.shop.inventory.OutOfStockException;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@link Checkout}: places an order with a durable saga, reserve → charge → take the stock →
 * confirm, compensating (release, refund) when a step fails, journaled in its own store beside
 * the orders (tables {@code customer_order}, {@code order_line}). The order and its saga are
 * written in one transaction; after a crash, any replica of Checkout resumes the saga, so no
 * order stays pending past {@link CheckoutConfig#orderDeadline()}. Every step is idempotent by
 * order id. Once confirmed, the cart loses what was bought (a saga step, retried until it
 * succeeds), and {@link OrderConfirmed} is published in the confirming transaction: the customer's
 * notification and the recommendations follow from it, delivered at least once and applied once.
 */
final class CheckoutImpl implements Checkout {

    private final Store store;
    private final Saga<PlaceOrder> placeOrder;
    private final Cart cart;
    private final Clock clock;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param placeOrder the saga that places an order, journaled in {@code store}
     * @param config how long an order's steps are retried
     * @param cart where orders come from
     * @param inventory holds and takes the stock
     * @param payments charges and refunds
     * @param confirmed where confirmed orders are announced, in the confirming transaction
     * @param clock the time source for order timestamps
     */
    public CheckoutImpl(Store store, Saga<PlaceOrder> placeOrder, CheckoutConfig config, Cart cart, Inventory inventory,
            Payments payments, Events<OrderConfirmed> confirmed, Clock clock) {
        this.store = store;
        this.placeOrder = placeOrder;
        this.cart = cart;
        this.clock = clock;
        placeOrder.define(Saga.<PlaceOrder>steps("place-order")
                .step("reserve", o -> {
                    inventory.reserve(o.orderId(), o.items());
                    return o;
                }, o -> inventory.release(o.orderId()))
                .step("charge", o -> {
                    Charge charge = payments.charge(o.orderId(), o.userId(), o.total(), o.card());
                    if (charge.status() != ChargeStatus.APPROVED) {
                        throw new PaymentDeclinedException("payment declined: " + charge.message());
                    }
                    return o.charged(charge.cardLast4());
                }, o -> payments.refund(o.orderId()))
                .step("take-stock", o -> {
                    inventory.commit(o.orderId());
                    return o;
                }, o -> inventory.release(o.orderId()))
                .onSuccess((c, o) -> confirm(c, o, confirmed))
                .then("empty-cart", o -> cart.removeOrdered(o.userId(), o.orderId(), o.items().stream()
                        .collect(Collectors.toMap(Item::productId, Item::quantity, Integer::sum))))
                .onFailure(CheckoutImpl::fail)
                .deadline(config.orderDeadline()));
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
            if (!create(userId, orderId, cardNumber, contents)) {
                existing = find(orderId); // another request created it first
            }
        }
        if (existing.isPresent() && !existing.get().userId().equals(userId)) {
            throw new InvalidInputException("order id " + orderId + " is already taken; choose a new one");
        }
        return switch (placeOrder.run(orderId.toString())) {
            case Saga.Outcome.Succeeded<PlaceOrder> s -> s.state().confirmed();
            case Saga.Outcome.Failed<PlaceOrder> f -> repeatFailure(kind(f.failure()), reason(f.failure()));
            case Saga.Outcome.Running<PlaceOrder> r -> throw new CheckoutFailedException(r.compensating()
                    ? "the order could not be completed and is being undone; nothing will stay charged. Check the order"
                            + " with the same id in a moment"
                    : "the order is still being placed; try again in a moment with the same order id");
        };
    }

    /** Inserts the order as pending with its saga, in one transaction; false if the id exists already. */
    private boolean create(UUID userId, UUID orderId, String cardNumber, CartContents contents) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // as the database keeps it
        List<OrderLine> lines = contents.lines().stream()
                .map(line -> new OrderLine(line.productId(), line.name(), line.unitPrice(), line.quantity(), line.lineTotal()))
                .toList();
        PlaceOrder state = new PlaceOrder(orderId, userId, cardNumber, lines, contents.total(), now, "");
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into customer_order (id, user_id, status, total, card_last4, failure_kind, failure, placed_at)
                        values (?, ?, 'PENDING', ?, '', '', '', ?)""")) {
                    ps.setObject(1, orderId);
                    ps.setObject(2, userId);
                    ps.setBigDecimal(3, contents.total());
                    ps.setObject(4, timestamp(now));
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
                placeOrder.start(c, orderId.toString(), state);
            });
            return true;
        } catch (StoreException e) {
            if ("23505".equals(e.sqlState())) {
                return false;
            }
            throw e;
        }
    }

    /** Confirms the order and announces it, in the transaction that records the saga's success. */
    private static void confirm(Connection c, PlaceOrder o, Events<OrderConfirmed> confirmed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update customer_order set status = 'CONFIRMED', card_last4 = ? where id = ? and status = 'PENDING'")) {
            ps.setString(1, o.cardLast4());
            ps.setObject(2, o.orderId());
            if (ps.executeUpdate() == 1) {
                confirmed.publish(c, o.orderId().toString(), new OrderConfirmed(o.userId(), o.confirmed()));
            }
        }
    }

    /** How a failed order's failure is recorded and repeated. */
    private static String kind(Saga.Failure failure) {
        if (failure.is(OutOfStockException.class)) {
            return "OUT_OF_STOCK";
        }
        if (failure.is(PaymentDeclinedException.class)) {
            return "DECLINED";
        }
        return failure.is(InvalidInputException.class) ? "INVALID" : "ERROR";
    }

    private static String reason(Saga.Failure failure) {
        return kind(failure).equals("ERROR") ? failure.step() + " failed (" + failure.message() + "); nothing was charged"
                : failure.message();
    }

    /** Fails the order once every step was undone, in the transaction that records the saga's failure. */
    private static void fail(Connection c, PlaceOrder o, Saga.Failure failure) throws SQLException {
        String kind = kind(failure);
        String reason = reason(failure);
        try (PreparedStatement ps = c.prepareStatement(
                "update customer_order set status = 'FAILED', failure_kind = ?, failure = ? where id = ? and status = 'PENDING'")) {
            ps.setString(1, kind);
            ps.setString(2, reason.length() > 500 ? reason.substring(0, 500) : reason);
            ps.setObject(3, o.orderId());
            ps.executeUpdate();
        }
    }

    /** The failure a failed order ended with, for a retry of it. */
    private static Order repeatFailure(String kind, String message)
            throws InvalidInputException, OutOfStockException, PaymentDeclinedException, CheckoutFailedException {
        switch (kind) {
            case "OUT_OF_STOCK" -> throw new OutOfStockException(message);
            case "DECLINED" -> throw new PaymentDeclinedException(message);
            case "INVALID" -> throw new InvalidInputException(message);
            default -> throw new CheckoutFailedException("this order failed (" + message + "); place it with a new order id");
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
