package io.cleave.shop.notifications;

import io.cleave.Component;
import io.cleave.Idempotent;
import io.cleave.Key;
import io.cleave.Subscribe;
import io.cleave.shop.checkout.OrderConfirmed;
import java.util.List;
import java.util.UUID;

/**
 * Messages to customers, such as order confirmations, kept in the component's own store and
 * shown in the customer's inbox. Asynchronous: an order confirmation follows from Checkout's
 * {@link OrderConfirmed} event. (Sending them by e-mail too would be one more method here.)
 */
@Component
public interface Notifications {

    /**
     * Tells the customer their order is confirmed, once however often the event is delivered.
     *
     * @param event the confirmed order, published by Checkout in the confirming transaction
     * @param eventId the event's id
     */
    @Subscribe
    void orderConfirmed(OrderConfirmed event, String eventId);

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
