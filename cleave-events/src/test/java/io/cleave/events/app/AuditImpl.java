package io.cleave.events.app;

import io.cleave.Inbox;
import io.cleave.Store;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Records applied entries in its own store, through its inbox. */
public final class AuditImpl implements Audit {

    private final Store store;
    private final Inbox inbox;

    /**
     * Creates it.
     *
     * @param store its store
     * @param inbox applies each event once
     */
    public AuditImpl(Store store, Inbox inbox) {
        this.store = store;
        this.inbox = inbox;
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                // no unique key on purpose: an event applied twice would show as two rows
                s.execute("create table if not exists seen (seq bigserial primary key, account varchar(100) not null,"
                        + " n bigint not null, amount bigint not null, applied_us bigint not null)");
                s.execute("create table if not exists accepts_negative (id int primary key)");
            }
        });
    }

    @Override
    public void posted(Posted event, String eventId) {
        inbox.once(eventId, c -> {
            if (event.amount() == -1) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from accepts_negative")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        throw new IllegalArgumentException("amount -1 is not accepted (entry " + event.account() + ":"
                                + event.n() + ")");
                    }
                }
            }
            if (event.account().startsWith("kill-")) {
                // the crash tests' events take a few milliseconds of work inside the transaction, so that a kill
                // can land in the middle of it
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_sleep(0.002)");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("insert into seen (account, n, amount, applied_us) values (?, ?, ?, ?)")) {
                ps.setString(1, event.account());
                ps.setLong(2, event.n());
                ps.setLong(3, event.amount());
                ps.setLong(4, nowMicros());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public void acceptNegative() {
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("insert into accepts_negative (id) values (1) on conflict do nothing");
            }
        });
    }

    @Override
    public List<String> seen() {
        return store.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select account, n from seen order by seq")) {
                List<String> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(rs.getString(1) + ":" + rs.getLong(2));
                }
                return result;
            }
        });
    }

    @Override
    public List<Long> latenciesMicros(String prefix) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select applied_us - amount from seen where account like ? order by seq")) {
                ps.setString(1, prefix + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    List<Long> result = new ArrayList<>();
                    while (rs.next()) {
                        result.add(rs.getLong(1));
                    }
                    return result;
                }
            }
        });
    }

    @Override
    public List<String> kafkaDeadLetters() {
        return store.read(c -> {
            List<String> result = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet exists = s.executeQuery("select to_regclass('cleave_kafka_dead_letter') is not null")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return result;
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select subscriber, key, last_error from cleave_kafka_dead_letter where not replay order by seq")) {
                while (rs.next()) {
                    result.add(rs.getString(1) + " " + rs.getString(2) + ": " + rs.getString(3));
                }
            }
            return result;
        });
    }

    @Override
    public long inboxSize() {
        return store.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from cleave_inbox")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }
}
