package io.cleave.events.app;

import io.cleave.Events;
import io.cleave.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Keeps entries in its own store and publishes each in the transaction that posts it. */
public final class LedgerImpl implements Ledger {

    private final Store store;
    private final Events<Posted> posted;

    /**
     * Creates it.
     *
     * @param store its store
     * @param posted where it publishes
     */
    public LedgerImpl(Store store, Events<Posted> posted) {
        this.store = store;
        this.posted = posted;
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("create table if not exists account (id varchar(100) primary key, n bigint not null)");
                s.execute("create table if not exists entry (account varchar(100) not null, n bigint not null,"
                        + " amount bigint not null, primary key (account, n))");
            }
        });
    }

    @Override
    public long post(String account, long amount) {
        return store.transaction(c -> insert(c, account, amount, true));
    }

    @Override
    public long postWithoutEvent(String account, long amount) {
        return store.transaction(c -> insert(c, account, amount, false));
    }

    @Override
    public void postThenFail(String account) {
        store.run(c -> {
            insert(c, account, 999, true);
            throw new IllegalStateException("rolled back on purpose");
        });
    }

    /** Takes the account's row lock first, so entries of one account commit in the order of their numbers. */
    private long insert(Connection c, String account, long amount, boolean publish) throws SQLException {
        long n;
        try (PreparedStatement ps = c.prepareStatement("insert into account (id, n) values (?, 1)"
                + " on conflict (id) do update set n = account.n + 1 returning n")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                n = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into entry (account, n, amount) values (?, ?, ?)")) {
            ps.setString(1, account);
            ps.setLong(2, n);
            ps.setLong(3, amount);
            ps.executeUpdate();
        }
        if (publish) {
            posted.publish(c, account, new Posted(account, n, amount));
        }
        return n;
    }

    @Override
    public List<String> entries() {
        return store.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select account, n from entry order by account, n")) {
                List<String> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(rs.getString(1) + ":" + rs.getLong(2));
                }
                return result;
            }
        });
    }

    @Override
    public List<String> deadLetters() {
        return posted.deadLetters().stream().map(d -> d.subscriber() + " " + d.key() + ": " + d.error()).toList();
    }

    @Override
    public int replayDeadLetters() {
        return posted.replayDeadLetters();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }
}
