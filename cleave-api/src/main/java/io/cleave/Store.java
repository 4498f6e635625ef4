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
 * tables by accident. The embedded database runs in PostgreSQL compatibility mode, so the same
 * migrations and queries work on both for ordinary SQL.
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
    <T, X extends Exception> T transaction(SqlFunction<T, X> work) throws X;

    /**
     * Runs {@code work} in one transaction that returns nothing, as {@link #transaction}.
     *
     * @param work what to do with the connection
     * @param <X> an exception type {@code work} may throw besides {@link SQLException}
     * @throws StoreException if a connection cannot be had, or {@code work} or the commit throws
     *     {@link SQLException}; the transaction is rolled back
     * @throws X as thrown by {@code work}, after rolling back; runtime exceptions likewise
     */
    <X extends Exception> void run(SqlAction<X> work) throws X;

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
    <T, X extends Exception> T read(SqlFunction<T, X> work) throws X;

    /**
     * Work on a connection that produces a value.
     *
     * @param <T> the result type
     * @param <X> a further exception type the work may throw; inferred as
     *     {@link RuntimeException} when it throws none
     */
    @FunctionalInterface
    interface SqlFunction<T, X extends Exception> {

        /**
         * Does the work.
         *
         * @param connection a connection inside the transaction
         * @return the result
         * @throws SQLException if a statement fails
         * @throws X a failure of the caller's own
         */
        T apply(Connection connection) throws SQLException, X;
    }

    /**
     * Work on a connection that produces nothing.
     *
     * @param <X> a further exception type the work may throw; inferred as
     *     {@link RuntimeException} when it throws none
     */
    @FunctionalInterface
    interface SqlAction<X extends Exception> {

        /**
         * Does the work.
         *
         * @param connection a connection inside the transaction
         * @throws SQLException if a statement fails
         * @throws X a failure of the caller's own
         */
        void accept(Connection connection) throws SQLException, X;
    }
}
