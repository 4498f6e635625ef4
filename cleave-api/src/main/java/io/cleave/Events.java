package io.cleave;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Publishes events of one type from a component, inside the component's own store transaction:
 * the event is written to an outbox table in the component's schema on the caller's connection,
 * so it exists if and only if that transaction commits. A component asks for one per event type
 * in its constructor, beside its {@link Store}; the type argument is a record the annotation
 * processor can encode, evolvable like any value a component method takes:
 *
 * <pre>{@code
 * public CheckoutImpl(Store store, Events<OrderConfirmed> confirmed) { ... }
 *
 * store.run(c -> {
 *     markConfirmed(c, orderId);
 *     confirmed.publish(c, orderId.toString(), new OrderConfirmed(orderId, userId, total));
 * });
 * }</pre>
 *
 * <p>Every component method annotated {@link Subscribe} whose event parameter has the type
 * receives each committed event at least once, wherever it runs; events with the same key reach a
 * subscriber in the order they were published (the commits of one key's events are serialised).
 * A subscriber applies an event once by doing its work through its {@link Inbox}. An event a
 * subscriber keeps failing (after {@code [events] max-attempts}) is set aside as a dead letter,
 * counted by {@code cleave status} (and {@link App#calls()}) and delivered again by
 * {@link #replayDeadLetters()}.
 *
 * @param <E> the event type
 */
@RuntimeService
public interface Events<E> {

    /**
     * Writes an event to this component's outbox on the caller's connection.
     *
     * @param transaction a connection inside a transaction of this component's {@link Store}
     * @param key the ordering key: events with the same key are delivered to each subscriber in
     *     the order they were published; at most 200 characters
     * @param event the event, a non-null record
     * @throws SQLException if the insert fails
     * @throws IllegalArgumentException if the key is empty or longer than 200 characters
     */
    void publish(Connection transaction, String key, E event) throws SQLException;

    /**
     * The events of this type that a subscriber kept failing and that were set aside, oldest
     * first.
     *
     * @return the dead letters; empty when there are none
     * @throws StoreException if the store cannot be read
     */
    List<DeadLetter> deadLetters();

    /**
     * Delivers every dead letter of this type again, each after the events of its key already
     * waiting, with its attempts counted from zero. Through Kafka ({@code [events]
     * kafka-bootstrap-servers}) the subscribers' dead letters are in their own stores: this also
     * sends a request through the type's topic, and each subscribing component puts its own back
     * when the request reaches it; the count is then only of this component's own (events the
     * broker refused).
     *
     * @return how many were put back
     * @throws StoreException if the store cannot be written
     */
    int replayDeadLetters();

    /**
     * An event set aside after {@code [events] max-attempts} failed deliveries to one subscriber.
     *
     * @param id the event's id as its subscriber receives it
     * @param subscriber the subscriber method, {@code Component.method}
     * @param key the event's key
     * @param attempts the deliveries that failed
     * @param error what the last one failed with
     * @param failedAt when it was set aside
     */
    record DeadLetter(String id, String subscriber, String key, int attempts, String error, Instant failedAt) {
    }
}
