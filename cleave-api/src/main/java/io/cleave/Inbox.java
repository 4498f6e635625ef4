package io.cleave;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Applies each delivered event once: a subscribing component asks for its inbox in its
 * constructor, beside its {@link Store}, and does a delivery's work through it. The work runs in
 * a transaction of the component's store that also records the event's id in table
 * {@code cleave_inbox} of the component's schema; an event whose id is recorded already is not
 * applied again, so an effect made in that transaction happens once however often the event is
 * delivered:
 *
 * <pre>{@code
 * @Override
 * public void orderConfirmed(OrderConfirmed event, String eventId) {
 *     inbox.once(eventId, c -> insertNotification(c, event));
 * }
 * }</pre>
 */
@RuntimeService
public interface Inbox {

    /**
     * Runs {@code work} in one transaction with the record of {@code eventId}, unless that id is
     * recorded already; a concurrent delivery of the same event waits for this one and then skips.
     *
     * @param eventId the id the subscriber method received
     * @param work the event's effect on this component's store; it must not commit or roll back
     * @return true if the work ran and committed, false if the event had been applied before
     * @throws StoreException if the transaction fails; nothing is recorded
     * @throws IllegalArgumentException if {@code eventId} is empty or longer than 200 characters
     */
    boolean once(String eventId, Work work);

    /** The effect of one event, on a connection inside the inbox's transaction. */
    @FunctionalInterface
    interface Work {

        /**
         * Applies the event.
         *
         * @param transaction the connection
         * @throws SQLException if a statement fails; the transaction is rolled back
         */
        void apply(Connection transaction) throws SQLException;
    }
}
