package io.cleave.shop.notifications;

import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
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
    private final Clock clock;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param clock the time source for delivery timestamps
     */
    public NotificationsImpl(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void send(UUID userId, String key, String subject, String body) throws InvalidInputException {
        check("key", key, 200);
        check("subject", subject, 200);
        if (body.length() > 4_000) {
            throw new InvalidInputException("body must be at most 4000 characters, got " + body.length());
        }
        try {
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        insert into notification (id, user_id, dedup_key, subject, body, sent_at, is_read)
                        values (?, ?, ?, ?, ?, ?, false)""")) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setObject(2, userId);
                    ps.setString(3, key);
                    ps.setString(4, subject);
                    ps.setString(5, body);
                    ps.setObject(6, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
                    ps.executeUpdate();
                }
            });
        } catch (StoreException e) {
            // already delivered: this is the retry the key exists for
            if (!"23505".equals(e.sqlState())) {
                throw e;
            }
        }
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

    private static void check(String what, String value, int max) throws InvalidInputException {
        if (value.isBlank() || value.length() > max) {
            throw new InvalidInputException(what + " must be 1 to " + max + " characters, got " + value.length());
        }
    }
}
