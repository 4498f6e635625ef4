package io.cleave.data;

import com.zaxxer.hikari.HikariDataSource;
import io.cleave.Store;
import io.cleave.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** A {@link Store} over a Hikari pool whose connections use the component's schema. */
final class PooledStore implements Store, AutoCloseable {

    private final String component;
    private final HikariDataSource pool;

    PooledStore(String component, HikariDataSource pool) {
        this.component = component;
        this.pool = pool;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public <T, X1 extends Exception, X2 extends Exception> T transaction(SqlFunction2<T, X1, X2> work) throws X1, X2 {
        return inTransaction(work, false);
    }

    @Override
    public <X1 extends Exception, X2 extends Exception> void run(SqlAction2<X1, X2> work) throws X1, X2 {
        this.<Boolean, X1, X2>inTransaction(c -> {
            work.accept(c);
            return Boolean.TRUE;
        }, false);
    }

    @Override
    public <T, X1 extends Exception, X2 extends Exception> T read(SqlFunction2<T, X1, X2> work) throws X1, X2 {
        return inTransaction(work, true);
    }

    private <T, X1 extends Exception, X2 extends Exception> T inTransaction(SqlFunction2<T, X1, X2> work, boolean readOnly)
            throws X1, X2 {
        Connection connection;
        try {
            connection = pool.getConnection();
        } catch (SQLException e) {
            throw new StoreException("store of " + component + ": cannot get a connection: " + e.getMessage(), e);
        }
        // Hikari restores auto-commit and read-only when the connection returns to the pool.
        try (connection) {
            connection.setReadOnly(readOnly);
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                if (readOnly) {
                    connection.rollback();
                } else {
                    connection.commit();
                }
                return result;
            } catch (SQLException e) {
                rollback(connection, e);
                throw new StoreException("store of " + component + ": " + e.getMessage(), e);
            } catch (Exception | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            // setting up or closing the connection failed
            throw new StoreException("store of " + component + ": " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Store[" + component + "]";
    }
}
