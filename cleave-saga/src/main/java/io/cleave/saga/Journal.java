package io.cleave.saga;

import io.cleave.Saga;
import io.cleave.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The saga journal: table {@code cleave_saga} in the orchestrating component's own schema, one
 * row per saga. Every change is a compare-and-set on the row's {@code version}, so a process
 * that lost a saga to another (its lease expired while it was frozen) cannot overwrite what the
 * other recorded. Times come from the database's clock, so processes need not agree on theirs.
 */
final class Journal {

    /** Where a saga is. */
    enum Phase {
        /** running its steps; {@code step} is the next to run */
        FORWARD,
        /** undoing them; {@code step} is the next to undo, -1 when all are undone */
        COMPENSATING,
        /** succeeded; running the steps after success, {@code step} is the next */
        COMPLETING,
        /** succeeded, every step after success ran */
        SUCCEEDED,
        /** failed, every compensation ran */
        FAILED;

        boolean active() {
            return this == FORWARD || this == COMPENSATING || this == COMPLETING;
        }
    }

    /**
     * One saga as recorded.
     *
     * @param id the saga's id
     * @param state the encoded state
     * @param phase where it is
     * @param step the step index the phase is at
     * @param attempts failed attempts of that step so far
     * @param failure why it is compensating or failed
     * @param owner the liveness key of the process running it, 0 for none
     * @param version bumped by every change
     * @param claimable whether this process may take it now: nobody owns it, this process does,
     *     its owner's lease expired or its owner's database session is gone
     * @param untilDeadline time left before the saga's forward deadline (negative once passed)
     */
    record Row(String id, byte[] state, Phase phase, int step, int attempts, Optional<Saga.Failure> failure, long owner,
            long version, boolean claimable, Duration untilDeadline) {
    }

    private static final String OWNER_IS_GONE = """
            not exists (select 1 from pg_locks l
                        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                          and l.database = (select oid from pg_database where datname = current_database())
                          and l.classid = (s.owner >> 32)::oid and l.objid = (s.owner & 4294967295)::oid)""";
    private static final String CLAIMABLE = "(s.owner is null or s.owner = ? or s.lease_until < clock_timestamp() or "
            + OWNER_IS_GONE + ")";
    private static final String COLUMNS = "s.id, s.state, s.phase, s.step, s.attempts, s.failure_step, s.failure_type,"
            + " s.failure_message, s.failure_permanent, coalesce(s.owner, 0), s.version, " + CLAIMABLE
            + ", extract(epoch from (s.deadline - clock_timestamp())) * 1000";

    private final Store store;
    private final String saga;

    Journal(Store store, String saga) {
        this.store = store;
        this.saga = saga;
    }

    /** Creates the journal table if this component's schema has none. */
    static void create(Store store) {
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                        create table if not exists cleave_saga (
                            saga              varchar(100)  not null,
                            id                varchar(200)  not null,
                            state             bytea         not null,
                            phase             varchar(12)   not null,
                            step              int           not null,
                            attempts          int           not null,
                            failure_step      varchar(100),
                            failure_type      varchar(300),
                            failure_message   varchar(2000),
                            failure_permanent boolean,
                            owner             bigint,
                            lease_until       timestamptz,
                            next_attempt_at   timestamptz   not null,
                            deadline          timestamptz   not null,
                            created_at        timestamptz   not null,
                            updated_at        timestamptz   not null,
                            version           bigint        not null,
                            primary key (saga, id)
                        )""");
                s.execute("create index if not exists cleave_saga_due on cleave_saga (saga, next_attempt_at)"
                        + " where phase in ('FORWARD', 'COMPENSATING', 'COMPLETING')");
            }
        });
    }

    /** Inserts a new saga, owned by the inserting process, in the caller's transaction. */
    void insert(Connection c, String id, byte[] state, long owner, Duration lease, Duration deadline) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into cleave_saga (saga, id, state, phase, step, attempts, owner, lease_until, next_attempt_at,
                                         deadline, created_at, updated_at, version)
                values (?, ?, ?, 'FORWARD', 0, 0, ?, clock_timestamp() + ? * interval '1 millisecond', clock_timestamp(),
                        clock_timestamp() + ? * interval '1 millisecond', clock_timestamp(), clock_timestamp(), 0)""")) {
            ps.setString(1, saga);
            ps.setString(2, id);
            ps.setBytes(3, state);
            ps.setLong(4, owner);
            ps.setLong(5, lease.toMillis());
            ps.setLong(6, deadline.toMillis());
            ps.executeUpdate();
        }
    }

    Optional<Row> load(String id, long me) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from cleave_saga s where s.saga = ? and s.id = ?")) {
                ps.setLong(1, me);
                ps.setString(2, saga);
                ps.setString(3, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<Row>empty();
                }
            }
        });
    }

    /** Active sagas whose retry is due and which this process may take, oldest due first. */
    List<Row> due(long me, int limit) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from cleave_saga s where s.saga = ?"
                    + " and s.phase in ('FORWARD', 'COMPENSATING', 'COMPLETING') and s.next_attempt_at <= clock_timestamp()"
                    + " and " + CLAIMABLE + " order by s.next_attempt_at limit ?")) {
                ps.setLong(1, me);
                ps.setString(2, saga);
                ps.setLong(3, me);
                ps.setInt(4, limit);
                List<Row> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
                return rows;
            }
        });
    }

    /** Takes a saga for this process if nobody changed it since it was read. */
    boolean claim(Row row, long me, Duration lease) {
        return store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update cleave_saga set owner = ?,"
                    + " lease_until = clock_timestamp() + ? * interval '1 millisecond', version = version + 1,"
                    + " updated_at = clock_timestamp() where saga = ? and id = ? and version = ?")) {
                ps.setLong(1, me);
                ps.setLong(2, lease.toMillis());
                ps.setString(3, saga);
                ps.setString(4, row.id());
                ps.setLong(5, row.version());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Records a change of a saga this process runs, in its own transaction.
     *
     * @return false if another process changed the saga since (this one lost it)
     */
    boolean record(Change change) {
        return store.transaction(c -> record(c, change));
    }

    /** Records a change inside the caller's transaction; false if the saga was changed by another. */
    boolean record(Connection c, Change change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update cleave_saga set state = ?, phase = ?, step = ?, attempts = ?, failure_step = ?, failure_type = ?,
                       failure_message = ?, failure_permanent = ?, owner = ?,
                       lease_until = case when ? = 0 then null else clock_timestamp() + ? * interval '1 millisecond' end,
                       next_attempt_at = clock_timestamp() + ? * interval '1 millisecond', version = version + 1,
                       updated_at = clock_timestamp()
                where saga = ? and id = ? and version = ?""")) {
            ps.setBytes(1, change.state());
            ps.setString(2, change.phase().name());
            ps.setInt(3, change.step());
            ps.setInt(4, change.attempts());
            Optional<Saga.Failure> f = change.failure();
            ps.setString(5, f.map(Saga.Failure::step).orElse(null));
            ps.setString(6, f.map(Saga.Failure::type).orElse(null));
            ps.setString(7, f.map(x -> bounded(x.message(), 2000)).orElse(null));
            if (f.isPresent()) {
                ps.setBoolean(8, f.get().permanent());
            } else {
                ps.setNull(8, java.sql.Types.BOOLEAN);
            }
            if (change.owner() == 0) {
                ps.setNull(9, java.sql.Types.BIGINT);
            } else {
                ps.setLong(9, change.owner());
            }
            ps.setLong(10, change.owner());
            ps.setLong(11, change.lease().toMillis());
            ps.setLong(12, change.retryAfter().toMillis());
            ps.setString(13, saga);
            ps.setString(14, change.id());
            ps.setLong(15, change.version());
            return ps.executeUpdate() == 1;
        }
    }

    /** Extends the leases of the sagas this process is running. */
    void renew(long me, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return;
        }
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update cleave_saga set lease_until = clock_timestamp() + ?"
                    + " * interval '1 millisecond' where saga = ? and owner = ? and id = any(?)")) {
                ps.setLong(1, lease.toMillis());
                ps.setString(2, saga);
                ps.setLong(3, me);
                ps.setArray(4, c.createArrayOf("varchar", ids.toArray()));
                ps.executeUpdate();
            }
        });
    }

    /**
     * A saga's next recorded state.
     *
     * @param id the saga
     * @param version the version it had when read; the change applies only if unchanged
     * @param state the encoded state
     * @param phase the phase
     * @param step the step index
     * @param attempts failed attempts of that step
     * @param failure why it compensates or failed
     * @param owner who keeps running it, 0 to release it
     * @param lease how long the owner's claim lasts without renewal
     * @param retryAfter when it is next due, from now
     */
    record Change(String id, long version, byte[] state, Phase phase, int step, int attempts, Optional<Saga.Failure> failure,
            long owner, Duration lease, Duration retryAfter) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        String failureStep = rs.getString(6);
        Optional<Saga.Failure> failure = failureStep == null ? Optional.empty()
                : Optional.of(new Saga.Failure(failureStep, rs.getString(7), rs.getString(8), rs.getBoolean(9)));
        return new Row(rs.getString(1), rs.getBytes(2), Phase.valueOf(rs.getString(3)), rs.getInt(4), rs.getInt(5), failure,
                rs.getLong(10), rs.getLong(11), rs.getBoolean(12), Duration.ofMillis(Math.round(rs.getDouble(13))));
    }

    private static String bounded(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
