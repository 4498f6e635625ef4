package io.cleave.saga;

import io.cleave.Store;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Proves to the other processes of a component that this one is alive: it holds a
 * session-level advisory lock on a random key for as long as it lives, on a connection of its
 * own. When the process dies, however abruptly, the kernel closes that connection, the database
 * ends the session and releases the lock, and every other process sees at once that the sagas
 * this one owned can be taken over ({@code pg_locks} no longer lists the key); when it is cut
 * off from the database, the server ends the session within seconds ({@link Store#session()}).
 * A frozen process keeps its session, so its sagas wait for their lease to expire instead.
 */
final class Liveness implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("cleave.saga");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final String component;
    private Connection connection;
    private volatile long key;

    Liveness(Store store, String component) {
        this.store = store;
        this.component = component;
    }

    /** The key other processes see this one by; 0 until first {@link #check()}. */
    long key() {
        return key;
    }

    /**
     * Makes sure the lock is held, taking a new key on a new connection if the old connection
     * broke (the database restarted): sagas recorded under the old key then look abandoned and
     * are taken over, by this process or another.
     *
     * @throws SQLException if the database cannot be reached
     */
    synchronized void check() throws SQLException {
        if (connection != null) {
            try {
                if (connection.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                // replaced below
            }
            LOG.log(System.Logger.Level.WARNING, "component " + component + ": lost its database session; its sagas in"
                    + " progress may be taken over");
            closeQuietly();
        }
        Connection c = store.session();
        try {
            long candidate;
            while (true) {
                candidate = RANDOM.nextLong() >>> 2;
                try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
                    ps.setLong(1, candidate);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            break;
                        }
                    }
                }
            }
            connection = c;
            key = candidate;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.close(); // ends the session (Store.session()), and the lock with it
        } catch (SQLException e) {
            // the session ends with the connection either way
        }
        connection = null;
    }
}
