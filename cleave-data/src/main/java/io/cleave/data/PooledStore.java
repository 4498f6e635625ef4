package io.cleave.data;

import com.zaxxer.hikari.HikariDataSource;
import io.cleave.CallContext;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.StoreUnavailableException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * A {@link Store} over a Hikari pool whose connections use the component's schema.
 *
 * <p>Each transaction waits for the server at most until the caller's deadline and a second (or
 * {@code network-timeout}, outside any call, or if sooner): a server that hangs or is cut off
 * would otherwise hold the thread and the connection for as long as TCP takes to notice, which
 * without an answer is hours. The connection is then dropped, the transaction fails naming why,
 * and the pool opens a fresh one for the next.
 */
final class PooledStore implements Store, AutoCloseable {

    /** How long after the caller's deadline a transaction may still wait for the server. */
    static final Duration AFTER_DEADLINE = Duration.ofSeconds(1);
    /** How long the server keeps a session it hears nothing from at the TCP level. */
    static final int SILENCE_SECONDS = 10;
    /**
     * Run first on every connection, pooled or {@link #session()}: the server ends the session after
     * {@link #SILENCE_SECONDS} of TCP silence from this process — keepalives probe an idle session,
     * and the TCP user timeout ends one whose data goes unacknowledged — so a process cut off from
     * the database does not keep its locks (rows of an open transaction, a leader's advisory lock)
     * until TCP gives up, a quarter of an hour or, idle, hours. A process that is stopped or busy
     * still answers at the TCP level. Only the settings this server has (the timeout: PostgreSQL
     * 12 and later).
     */
    static final String CUT_OFF_SQL = "select set_config(name, setting, false) from (values ('tcp_keepalives_idle', '4'),"
            + " ('tcp_keepalives_interval', '2'), ('tcp_keepalives_count', '3'),"
            + " ('tcp_user_timeout', '" + SILENCE_SECONDS * 1000 + "')) as v(name, setting)"
            + " where name in (select name from pg_settings)";
    /** How long a statement on a {@link #session()} waits for the server. */
    static final int SESSION_STATEMENT_SECONDS = 30;

    private final String component;
    private final HikariDataSource pool;
    private final Duration networkTimeout;

    PooledStore(String component, HikariDataSource pool, Duration networkTimeout) {
        this.component = component;
        this.pool = pool;
        this.networkTimeout = networkTimeout;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    /** A connection made as the pool makes its own ({@link #CUT_OFF_SQL}, schema, role), outside it. */
    @Override
    public Connection session() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", pool.getUsername());
        props.setProperty("password", pool.getPassword());
        Connection c = DriverManager.getConnection(pool.getJdbcUrl(), props);
        try (Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            c.setSchema(pool.getSchema());
            s.execute(pool.getConnectionInitSql()); // ends the session when cut off; the component's role
            c.setNetworkTimeout(Runnable::run, SESSION_STATEMENT_SECONDS * 1000);
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
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
            throw failure("store of " + component + ": cannot get a connection: " + e.getMessage(), e);
        }
        // Hikari restores auto-commit, read-only and the network timeout when the connection returns to the pool.
        Duration wait = waitLimit();
        try (connection) {
            connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, wait.toMillis()));
            connection.setReadOnly(readOnly);
            connection.setAutoCommit(false);
            boolean committing = false;
            try {
                T result = work.apply(connection);
                if (readOnly) {
                    connection.rollback();
                } else {
                    committing = true;
                    connection.commit();
                }
                return result;
            } catch (SQLException e) {
                rollback(connection, e);
                throw failure("store of " + component + ": " + describe(e, wait, committing), e);
            } catch (Exception | Error e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            // setting up or closing the connection failed
            throw failure("store of " + component + ": " + describe(e, wait, false), e);
        }
    }

    /** The exception for a failed operation: {@link StoreUnavailableException} when the database is what failed. */
    private StoreException failure(String message, SQLException e) {
        boolean unavailable = e instanceof SQLTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
        return unavailable ? new StoreUnavailableException(message, e) : new StoreException(message, e);
    }

    /** The caller's deadline and a second, or {@code network-timeout} if sooner or outside any call. */
    private Duration waitLimit() {
        Optional<Duration> remaining = CallContext.current().remaining();
        if (remaining.isEmpty()) {
            return networkTimeout;
        }
        Duration limit = (remaining.get().isNegative() ? Duration.ZERO : remaining.get()).plus(AFTER_DEADLINE);
        return limit.compareTo(networkTimeout) < 0 ? limit : networkTimeout;
    }

    /** A failure's message, saying so when the server did not answer in time. */
    private String describe(SQLException e, Duration wait, boolean committing) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "the database did not answer within " + wait.toMillis() + " ms (the caller's deadline and "
                        + AFTER_DEADLINE.toSeconds() + " s, or [data] network-timeout = \"" + StoreSettings.text(networkTimeout)
                        + "\" if sooner), so its connection was dropped; " + (committing
                        ? "this was its commit, which the server may or may not have applied"
                        : "the transaction was not committed") + " (" + e.getMessage() + ")";
            }
        }
        return e.getMessage();
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
