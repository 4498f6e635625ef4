package io.cleave.data;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Makes HikariCP's warnings about broken connections one line each. When a database hangs, is cut
 * off or restarts, the pool logs every connection it drops with the exception's whole stack trace
 * (sixty lines for one {@code Read timed out}); the store reports the same failure to its caller
 * already, as a {@link io.cleave.StoreUnavailableException} naming the component and the wait.
 * So a warning of the pool's that carries an exception keeps its text and gets the exception's
 * chain of messages appended ({@code PSQLException: An I/O error occurred while sending to the
 * backend. <- SocketTimeoutException: Read timed out}), without the trace. A user who wants the
 * traces sets the logger to {@code FINE} ({@code com.zaxxer.hikari.pool.ProxyConnection.level =
 * FINE} in {@code logging.properties}): then the records pass as they were. And the pool's
 * advice to shorten {@code maxLifetime}, after a connection that the server closed, is dropped:
 * the server restarted or was cut off, which the store says when it next needs the connection.
 *
 * <p>HikariCP logs through SLF4J; Cleave's runtime binds SLF4J to {@code java.util.logging}, whose
 * loggers are named by class. A filter applies to the records of its own logger only, so it is set
 * on each class of the pool that logs dropped connections; the loggers are held here, since
 * {@code java.util.logging} forgets a logger (and its filter) nobody refers to.
 */
final class PoolLogLines implements Filter {

    /** The classes of HikariCP that log a connection they drop, or fail to make, with its exception. */
    private static final List<Logger> LOGGERS = List.of(
            Logger.getLogger("com.zaxxer.hikari.pool.ProxyConnection"),
            Logger.getLogger("com.zaxxer.hikari.pool.PoolBase"),
            Logger.getLogger("com.zaxxer.hikari.pool.HikariPool"));

    /** Formats a record's text with its parameters, as the handlers' formatters would. */
    private static final java.util.logging.Formatter TEXT = new java.util.logging.SimpleFormatter();

    /** What HikariCP adds to "Failed to validate connection", dropped (see above). */
    static final String MAX_LIFETIME_ADVICE = " Possibly consider using a shorter maxLifetime value.";

    private final Logger logger;
    private final Filter before;

    private PoolLogLines(Logger logger, Filter before) {
        this.logger = logger;
        this.before = before;
    }

    /** Sets the filter on the pool's loggers, once (a filter set by the user runs after it). */
    static synchronized void install() {
        for (Logger l : LOGGERS) {
            if (!(l.getFilter() instanceof PoolLogLines)) {
                l.setFilter(new PoolLogLines(l, l.getFilter()));
            }
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        String text = record.getMessage();
        if (text != null && text.endsWith(MAX_LIFETIME_ADVICE)) {
            record.setMessage(text.substring(0, text.length() - MAX_LIFETIME_ADVICE.length()));
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && record.getLevel().intValue() >= Level.WARNING.intValue() && !logger.isLoggable(Level.FINE)) {
            record.setMessage(TEXT.formatMessage(record) + ": " + chain(thrown));
            record.setParameters(null);
            record.setThrown(null);
        }
        return before == null || before.isLoggable(record);
    }

    /**
     * The messages of an exception and its causes on one line.
     *
     * @param t the exception
     * @return {@code Type: message <- Cause: message ...}, types without their packages
     */
    static String chain(Throwable t) {
        StringBuilder line = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (!line.isEmpty()) {
                line.append(" <- ");
            }
            line.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                line.append(": ").append(StoreProvider.firstLine(c.getMessage()));
            }
        }
        return line.toString();
    }
}
