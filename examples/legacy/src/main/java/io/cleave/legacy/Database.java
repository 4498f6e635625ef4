package io.cleave.legacy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The shop's embedded H2 database, one file under the data directory: its schema, and its catalog
 * seeded on the first start.
 */
final class Database implements AutoCloseable {

    /**
     * {@code WRITE_DELAY=0}: H2 writes each commit to its file before the commit returns (by default
     * it does so up to 500 ms later, in the background), so an answered write survives {@code kill -9}.
     * A power loss is another matter: H2 does not force the file to the disk on each commit.
     * {@code DB_CLOSE_ON_EXIT=FALSE}: {@link LegacyShop} closes the database after its last request.
     */
    private static final String SETTINGS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";

    private static final int MAX_CONNECTIONS = 16;

    private static final Object[][] SEED = {
        {"Enamel camping mug", 1299, 40},
        {"Cast-iron skillet", 3495, 15},
        {"Linen tea towel", 850, 60},
        {"Brass desk lamp", 5900, 8},
        {"Wool throw blanket", 7450, 12},
        {"Ceramic pour-over dripper", 2400, 25},
        {"Walnut cutting board", 4200, 10},
        {"Canvas tote bag", 1600, 50},
        {"Stoneware dinner plate", 1150, 80},
        {"Beeswax candle", 900, 100},
        {"Copper watering can", 3900, 6},
        {"Field notebook", 650, 120},
    };

    private final JdbcConnectionPool pool;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /**
     * Opens (creating if needed) the database {@code legacy} in a directory.
     *
     * @param dataDir the directory, created if missing
     * @return the database, its schema in place and its catalog seeded
     * @throws IOException when the directory cannot be created
     * @throws IllegalStateException when another process has the database open
     * @throws SQLException when H2 fails otherwise
     */
    static Database open(Path dataDir) throws IOException, SQLException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("legacy") + SETTINGS, "sa", "");
        pool.setMaxConnections(MAX_CONNECTIONS);
        Database database = new Database(pool);
        try {
            database.migrate();
        } catch (SQLException e) {
            pool.dispose();
            if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                throw new IllegalStateException("the database in " + dir + " is in use by another process"
                        + " (another legacy shop with the same --data?)", e);
            }
            throw e;
        }
        return database;
    }

    /**
     * A connection from the pool, in auto-commit mode; close it to give it back.
     *
     * @return the connection
     * @throws SQLException when none can be had within the pool's timeout
     */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Whether the database answers a query within a second.
     *
     * @return true if it does
     */
    boolean answers() {
        try (Connection c = connection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private void migrate() throws SQLException {
        try (Connection c = connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TABLE IF NOT EXISTS product ("
                    + "id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL, price_cents BIGINT NOT NULL, stock INT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS subscriber ("
                    + "email VARCHAR(254) PRIMARY KEY, subscribed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            boolean empty;
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM product")) {
                rs.next();
                empty = rs.getLong(1) == 0;
            }
            if (empty) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO product (id, name, price_cents, stock) VALUES (?, ?, ?, ?)")) {
                    for (int i = 0; i < SEED.length; i++) {
                        insert.setLong(1, i + 1);
                        insert.setString(2, (String) SEED[i][0]);
                        insert.setLong(3, (Integer) SEED[i][1]);
                        insert.setInt(4, (Integer) SEED[i][2]);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
            // the whole catalog or none of it, should the process die while seeding
            c.commit();
        }
    }

    /** Closes every connection, which closes the database once no request holds one. */
    @Override
    public void close() {
        pool.dispose();
    }
}
