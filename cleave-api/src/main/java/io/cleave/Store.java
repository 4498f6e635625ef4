package io.cleave;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A component's own relational store: a pooled JDBC source for the component's schema (on a
 * shared PostgreSQL server) or its own embedded database (the default), migrated to the newest
 * version at start. A component asks for one in its constructor:
 *
 * <pre>{@code
 * public CatalogImpl(Store store) {
 *     this.store = store;
 * }
 *
 * public Optional<Product> product(String id) {
 *     return store.read(c -> {
 *         try (var ps = c.prepareStatement("select name, price from product where id = ?")) {
 *             ps.setString(1, id);
 *             try (var rs = ps.executeQuery()) {
 *                 return rs.next() ? Optional.of(new Product(id, rs.getString(1), rs.getBigDecimal(2)))
 *                                  : Optional.empty();
 *             }
 *         }
 *     });
 * }
 * }</pre>
 *
 * <p>Migrations are SQL files on the class path under {@code db/<component name in lower
 * case>/}, named as Flyway expects ({@code V1__init.sql}, {@code V2__add_price.sql}). Unqualified
 * table names resolve to the component's own schema, so a component does not read another's
 * tables by accident. The embedded database is a PostgreSQL server of its own, so the same
 * migrations and queries work on it and on a configured PostgreSQL.
 *
 * <p>Checked exceptions of the work's own reach the caller as themselves, after the rollback;
 * their type is inferred. Java infers <em>one</em> thrown type from a lambda, though: when it
 * throws two types, the nearest supertype of both (JLS 18.2.5 gives every thrown type as a
 * lower bound to every thrown-type variable; 18.4 resolves it to their least upper bound), often
 * {@code Exception} itself. To catch each precisely, name them as type arguments, after the
 * result type; the work's lambda is then checked against exactly those:
 *
 * <pre>{@code
 * try {
 *     Receipt receipt = store.<Receipt, OutOfStockException, PaymentDeclinedException>transaction(c -> {
 *         reserve(c, items);   // throws OutOfStockException
 *         return charge(c);    // throws PaymentDeclinedException
 *     });
 * } catch (OutOfStockException e) {
 *     ...
 * } catch (PaymentDeclinedException e) {
 *     ...
 * }
 * }</pre>
 *
 * <p>{@code run} likewise takes {@code store.<OutOfStockException, PaymentDeclinedException>run(...)}.
 *
 * <p>Instances are thread-safe. The runtime closes the pool when the application stops.
 */
@RuntimeService
public interface Store {

    /**
     * The pooled source of connections to this component's schema, for code that manages
     * connections and transactions itself (or a library that wants a {@link DataSource}).
     * Connections must be closed to return them to the pool.
     *
     * @return the data source
     */
    DataSource dataSource();

    /**
     * A database session of this process's own, outside the pool, in auto-commit mode: for a
     * session-level advisory lock or {@code LISTEN} held for as long as the process runs, such as
     * a leader's lock. It ends when the process is cut off from the database, not only when it
     * dies: the server drops a session it has not heard from at the TCP level for about ten seconds
     * (keepalives and a TCP user timeout; a process that is stopped or busy still answers there and
     * keeps it), and a statement the server leaves unanswered for thirty seconds fails here. A lock
     * held on it thus passes to another process soon after its holder lost the network, instead of
     * when TCP gives up (a quarter of an hour, or never for an idle session).
     *
     * <p>Closing it ends the session, its locks and subscriptions with it (it never goes back to a
     * pool).
     *
     * @return the session
     * @throws SQLException if the database cannot be reached
     */
    Connection session() throws SQLException;

    /**
     * Runs {@code work} in one transaction and commits it; rolls back if {@code work} throws.
     *
     * @param work what to do with the connection; it must not commit, roll back or close it
     * @param <T> the result type
     * @param <X> an exception type {@code work} may throw besides {@link SQLException}
     * @return what {@code work} returned
     * @throws StoreException if a connection cannot be had, or {@code work} or the commit throws
     *     {@link SQLException}; the transaction is rolled back
     * @throws X as thrown by {@code work}, after rolling back; runtime exceptions likewise
     */
    @SuppressWarnings("overloads") // not ambiguous: SqlFunction is the more specific (a subtype of SqlFunction2)
    default <T, X extends Exception> T transaction(SqlFunction<T, X> work) throws X {
        // the type arguments choose the overload: without them this method would call itself
        return this.<T, X, X>transaction(work);
    }

    /**
     * Runs {@code work}, which may throw two checked exception types of its own, in one
     * transaction, as {@link #transaction(SqlFunction)}. Name the types as type arguments: {@code
     * store.<Receipt, OutOfStockException, PaymentDeclinedException>transaction(c -> ...)}.
     *
     * @param work what to do with the connection; it must not commit, roll back or close it
     * @param <T> the result type
     * @param <X1> an exception type {@code work} may throw besides {@link SQLException}
     * @param <X2> another such type
     * @return what {@code work} returned
     * @throws StoreException if a connection cannot be had, or {@code work} or the commit throws
     *     {@link SQLException}; the transaction is rolled back
     * @throws X1 as thrown by {@code work}, after rolling back; runtime exceptions likewise
     * @throws X2 as thrown by {@code work}, after rolling back
     */
    @SuppressWarnings("overloads")
    <T, X1 extends Exception, X2 extends Exception> T transaction(SqlFunction2<T, X1, X2> work) throws X1, X2;

    /**
     * Runs {@code work} in one transaction that returns nothing, as {@link #transaction}.
     *
     * @param work what to do with the connection
     * @param <X> an exception type {@code work} may throw besides {@link SQLException}
     * @throws StoreException if a connection cannot be had, or {@code work} or the commit throws
     *     {@link SQLException}; the transaction is rolled back
     * @throws X as thrown by {@code work}, after rolling back; runtime exceptions likewise
     */
    @SuppressWarnings("overloads") // not ambiguous: SqlAction is the more specific (a subtype of SqlAction2)
    default <X extends Exception> void run(SqlAction<X> work) throws X {
        this.<X, X>run(work);
    }

    /**
     * Runs {@code work}, which may throw two checked exception types of its own, in one
     * transaction that returns nothing, as {@link #transaction(SqlFunction2)}: {@code
     * store.<OutOfStockException, PaymentDeclinedException>run(c -> ...)}.
     *
     * @param work what to do with the connection
     * @param <X1> an exception type {@code work} may throw besides {@link SQLException}
     * @param <X2> another such type
     * @throws StoreException if a connection cannot be had, or {@code work} or the commit throws
     *     {@link SQLException}; the transaction is rolled back
     * @throws X1 as thrown by {@code work}, after rolling back; runtime exceptions likewise
     * @throws X2 as thrown by {@code work}, after rolling back
     */
    @SuppressWarnings("overloads")
    <X1 extends Exception, X2 extends Exception> void run(SqlAction2<X1, X2> work) throws X1, X2;

    /**
     * Runs {@code work} on a read-only connection in one transaction, then rolls it back. The
     * database rejects writes (PostgreSQL; the embedded database does not enforce it), and a
     * later version may send such work to a read replica.
     *
     * @param work what to read
     * @param <T> the result type
     * @param <X> an exception type {@code work} may throw besides {@link SQLException}
     * @return what {@code work} returned
     * @throws StoreException if a connection cannot be had or {@code work} throws
     *     {@link SQLException}
     * @throws X as thrown by {@code work}; runtime exceptions likewise
     */
    @SuppressWarnings("overloads") // not ambiguous: SqlFunction is the more specific (a subtype of SqlFunction2)
    default <T, X extends Exception> T read(SqlFunction<T, X> work) throws X {
        return this.<T, X, X>read(work);
    }

    /**
     * Runs {@code work}, which may throw two checked exception types of its own, on a read-only
     * connection, as {@link #read(SqlFunction)}: {@code store.<Stock, UnknownProductException,
     * InvalidInputException>read(c -> ...)}.
     *
     * @param work what to read
     * @param <T> the result type
     * @param <X1> an exception type {@code work} may throw besides {@link SQLException}
     * @param <X2> another such type
     * @return what {@code work} returned
     * @throws StoreException if a connection cannot be had or {@code work} throws
     *     {@link SQLException}
     * @throws X1 as thrown by {@code work}; runtime exceptions likewise
     * @throws X2 as thrown by {@code work}
     */
    @SuppressWarnings("overloads")
    <T, X1 extends Exception, X2 extends Exception> T read(SqlFunction2<T, X1, X2> work) throws X1, X2;

    /**
     * Work on a connection that produces a value.
     *
     * @param <T> the result type
     * @param <X> a further exception type the work may throw; inferred as
     *     {@link RuntimeException} when it throws none
     */
    @FunctionalInterface
    interface SqlFunction<T, X extends Exception> extends SqlFunction2<T, X, X> {

        /**
         * Does the work.
         *
         * @param connection a connection inside the transaction
         * @return the result
         * @throws SQLException if a statement fails
         * @throws X a failure of the caller's own
         */
        @Override
        T apply(Connection connection) throws SQLException, X;
    }

    /**
     * Work on a connection that produces a value and may throw two exception types of the
     * caller's own, named as type arguments where it is passed (see {@link Store}).
     *
     * @param <T> the result type
     * @param <X1> an exception type the work may throw
     * @param <X2> another exception type the work may throw
     */
    @FunctionalInterface
    interface SqlFunction2<T, X1 extends Exception, X2 extends Exception> {

        /**
         * Does the work.
         *
         * @param connection a connection inside the transaction
         * @return the result
         * @throws SQLException if a statement fails
         * @throws X1 a failure of the caller's own
         * @throws X2 another failure of the caller's own
         */
        T apply(Connection connection) throws SQLException, X1, X2;
    }

    /**
     * Work on a connection that produces nothing.
     *
     * @param <X> a further exception type the work may throw; inferred as
     *     {@link RuntimeException} when it throws none
     */
    @FunctionalInterface
    interface SqlAction<X extends Exception> extends SqlAction2<X, X> {

        /**
         * Does the work.
         *
         * @param connection a connection inside the transaction
         * @throws SQLException if a statement fails
         * @throws X a failure of the caller's own
         */
        @Override
        void accept(Connection connection) throws SQLException, X;
    }

    /**
     * Work on a connection that produces nothing and may throw two exception types of the
     * caller's own, named as type arguments where it is passed (see {@link Store}).
     *
     * @param <X1> an exception type the work may throw
     * @param <X2> another exception type the work may throw
     */
    @FunctionalInterface
    interface SqlAction2<X1 extends Exception, X2 extends Exception> {

        /**
         * Does the work.
         *
         * @param connection a connection inside the transaction
         * @throws SQLException if a statement fails
         * @throws X1 a failure of the caller's own
         * @throws X2 another failure of the caller's own
         */
        void accept(Connection connection) throws SQLException, X1, X2;
    }
}
