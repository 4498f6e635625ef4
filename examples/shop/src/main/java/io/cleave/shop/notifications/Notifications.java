package io.cleave.shop.notifications;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.shop.InvalidInputException;
import java.util.List;
import java.util.UUID;

/**
 * Messages to customers, such as order confirmations, kept in the component's own store and
 * shown in the customer's inbox. (Sending them by e-mail too would be one more method here.)
 */
@Component
public interface Notifications {

    /**
     * Delivers a message to a customer's inbox once: sending again with the same customer and
     * key does nothing, so the sender may retry.
     *
     * @param userId the recipient
     * @param key what the message is about, unique per recipient, such as {@code order-confirmed:<id>}
     * @param subject a one-line summary, 1 to 200 characters
     * @param body the message, at most 4,000 characters
     * @throws InvalidInputException if the key, subject or body is empty or too long
     */
    @Idempotent
    void send(@Key UUID userId, String key, String subject, String body) throws InvalidInputException;

    /**
     * A customer's messages, newest first.
     *
     * @param userId the recipient
     * @param limit at most this many, 1 to 100
     * @return the messages
     */
    @Idempotent
    List<Notification> inbox(@Key UUID userId, int limit);

    /**
     * Marks a message as read; marking an unknown or read message does nothing.
     *
     * @param userId the recipient
     * @param notificationId the message
     */
    @Idempotent
    void markRead(@Key UUID userId, UUID notificationId);
}
