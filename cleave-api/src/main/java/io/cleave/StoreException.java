package io.cleave;

import java.io.Serial;
import java.sql.SQLException;

/**
 * A {@link Store} operation failed in the database: a statement, the commit, or getting a
 * connection from the pool. The transaction was rolled back. The cause is the driver's
 * {@link SQLException}; {@link #sqlState()} repeats its SQLSTATE so callers can tell, say, a
 * unique-key violation ({@code 23505}) from a lost connection ({@code 08...}).
 */
public class StoreException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String sqlState;

    /**
     * Creates the exception.
     *
     * @param message which component's store and what failed
     * @param cause the driver's exception
     */
    public StoreException(String message, SQLException cause) {
        super(message, cause);
        this.sqlState = cause.getSQLState() == null ? "" : cause.getSQLState();
    }

    /**
     * The SQLSTATE of the underlying failure.
     *
     * @return the five-character code, or {@code ""} when the driver gave none
     */
    public String sqlState() {
        return sqlState;
    }
}
