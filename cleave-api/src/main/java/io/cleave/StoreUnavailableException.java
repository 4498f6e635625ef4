package io.cleave;

import java.io.Serial;
import java.sql.SQLException;

/**
 * A {@link Store} operation failed for want of its database, not for what it asked: the server
 * refused the connection, lost it, or did not answer within the caller's deadline (SQLSTATE class
 * {@code 08}), or the pool had no connection free in time. A passing condition: the HTTP edge
 * answers it {@code 503} with {@code Retry-After}, in the process that threw it and, as a
 * {@link RemoteFailureException} naming this type, in its callers. The transaction was not
 * committed, unless it was the commit that went unanswered; the message says which.
 */
public class StoreUnavailableException extends StoreException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which component's store and what failed
     * @param cause the driver's or the pool's exception
     */
    public StoreUnavailableException(String message, SQLException cause) {
        super(message, cause);
    }
}
