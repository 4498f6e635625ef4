package io.cleave.legacy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;

/** The newsletter's subscribers, from the {@code subscriber} table: one row per address. */
final class Newsletter {

    /** SQLSTATE of a unique constraint's violation. */
    private static final String DUPLICATE_KEY = "23505";

    private final Database database;
    private final Clock clock;

    Newsletter(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Subscribes an address, once however often asked. The row is committed, and on file, when this returns.
     *
     * @param email the address, already validated and normalised
     * @return true if it was added now, false if it was subscribed before
     * @throws SQLException when the database fails
     */
    boolean subscribe(EmailAddress email) throws SQLException {
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("INSERT INTO subscriber (email, subscribed_at) VALUES (?, ?)")) {
            s.setString(1, email.value());
            s.setObject(2, OffsetDateTime.now(clock));
            s.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /**
     * How many addresses are subscribed.
     *
     * @return the count
     * @throws SQLException when the database fails
     */
    long count() throws SQLException {
        try (Connection c = database.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM subscriber")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
