package io.cleave.shop.notifications;

import io.cleave.Inbox;
import io.cleave.Store;
import io.cleave.shop.checkout.Order;
import io.cleave.shop.checkout.OrderConfirmed;
import io.cleave.shop.checkout.OrderLine;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@link Notifications} on its own store (table {@code notification}, unique per recipient and key). */
final class NotificationsImpl implements Notifications {

    private final Store store;
    private final Inbox inbox;
    private final Clock clock;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param inbox applies each delivered event once
     * @param clock the time source for delivery timestamps
     */
    public NotificationsImpl(Store store, Inbox inbox, Clock clock) {
        this.store = store;
        this.inbox = inbox;
        this.clock = clock;
    }

    @Override
    public void orderConfirmed(OrderConfirmed event, String eventId) {
        Order order = event.order();
        inbox.once(eventId, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into notification (id, user_id, dedup_key, subject, body, sent_at, is_read)
                    values (?, ?, ?, ?, ?, ?, false) on conflict (user_id, dedup_key) do nothing""")) {
                ps.setObject(1, UUID.randomUUID());
                ps.setObject(2, event.userId());
                ps.setString(3, "order-confirmed:" + order.id());
                ps.setString(4, subject(order));
                ps.setString(5, body(order));
                ps.setObject(6, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                ps.executeUpdate();
            }
        });
    }

    private static String subject(Order order) {
        int units = order.lines().stream().mapToInt(OrderLine::quantity).sum();
        return "Order confirmed: " + units + (units == 1 ? " item" : " items") + ", $" + order.total().toPlainString();
    }

    private static String body(Order order) {
        StringBuilder body = new StringBuilder("Thank you for your order ").append(order.id()).append(".\n\n");
        for (OrderLine line : order.lines()) {
            body.append(line.quantity()).append(" × ").append(line.name()).append(" — $")
                    .append(line.lineTotal().toPlainString()).append('\n');
        }
        body.append("\nTotal: $").append(order.total().toPlainString())
                .append(", charged to the card ending in ").append(order.cardLast4()).append('.');
        String text = body.toString();
        return text.length() > 4_000 ? text.substring(0, 3_999) + "…" : text;
    }

    @Override
    public List<Notification> inbox(UUID userId, int limit) {
        int bounded = Math.clamp(limit, 1, 100);
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    select id, subject, body, sent_at, is_read from notification
                    where user_id = ? order by sent_at desc, id fetch first ? rows only""")) {
                ps.setObject(1, userId);
                ps.setInt(2, bounded);
                List<Notification> inbox = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inbox.add(new Notification(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getBoolean(5)));
                    }
                }
                return inbox;
            }
        });
    }

    @Override
    public void markRead(UUID userId, UUID notificationId) {
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update notification set is_read = true where id = ? and user_id = ?")) {
                ps.setObject(1, notificationId);
                ps.setObject(2, userId);
                ps.executeUpdate();
            }
        });
    }
}
