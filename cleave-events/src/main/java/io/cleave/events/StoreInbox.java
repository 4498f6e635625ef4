package io.cleave.events;

import io.cleave.Inbox;
import io.cleave.Lifecycle;
import io.cleave.Store;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

/**
 * An {@link Inbox} on table {@code cleave_inbox} of the subscribing component's own schema. While
 * the component runs, ids applied longer ago than {@code [events] inbox-retention} are deleted, in
 * batches of {@value #PRUNE_BATCH} (each its own short transaction, so pruning never holds many
 * locks or a long transaction), every tenth of the retention and at most every minute.
 */
final class StoreInbox implements Inbox, Lifecycle {

    private static final System.Logger LOG = System.getLogger("cleave.events");
    static final int PRUNE_BATCH = 1_000;

    private final String component;
    private final Store store;
    private final Duration retention;
    private volatile Thread pruner;

    StoreInbox(String component, Store store, EventsSettings settings) {
        this.component = component;
        this.store = store;
        this.retention = settings.inboxRetention();
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                        create table if not exists cleave_inbox (
                            id         varchar(200) primary key,
                            applied_at timestamptz  not null default clock_timestamp()
                        )""");
                s.execute("create index if not exists cleave_inbox_applied_at on cleave_inbox (applied_at)");
            }
        });
    }

    @Override
    public boolean once(String eventId, Work work) {
        if (eventId == null || eventId.isEmpty() || eventId.length() > 200) {
            throw new IllegalArgumentException("Inbox.once in " + component + ": the event id must be 1 to 200 characters,"
                    + " as the subscriber method received it, not " + (eventId == null ? "null" : eventId.isEmpty() ? "empty"
                            : eventId.length() + " characters"));
        }
        return store.transaction(c -> {
            // a concurrent delivery of the same event waits here for this one's commit, then inserts nothing
            try (PreparedStatement ps = c.prepareStatement("insert into cleave_inbox (id) values (?) on conflict do nothing")) {
                ps.setString(1, eventId);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            work.apply(c);
            return true;
        });
    }

    /**
     * Deletes the ids applied longer ago than the retention, a batch at a time.
     *
     * @return how many were deleted
     */
    long prune() {
        long total = 0;
        int deleted;
        do {
            deleted = store.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        delete from cleave_inbox where id in (
                            select id from cleave_inbox where applied_at < clock_timestamp() - ? * interval '1 millisecond'
                            limit ? for update skip locked)""")) {
                    ps.setLong(1, retention.toMillis());
                    ps.setInt(2, PRUNE_BATCH);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
        } while (deleted == PRUNE_BATCH);
        return total;
    }

    @Override
    public void start() {
        Duration every = retention.dividedBy(10);
        Duration interval = every.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                : every.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : every;
        pruner = Thread.ofVirtual().name("cleave-inbox-pruner-" + component).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                    long n = prune();
                    if (n > 0) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "component " + component + ": pruned " + n + " inbox ids older than "
                                + retention);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "component " + component + ": pruning the inbox failed, trying again in "
                            + interval + ": " + e);
                }
            }
        });
    }

    @Override
    public void stop() throws InterruptedException {
        Thread t = pruner;
        if (t != null) {
            t.interrupt();
            t.join(10_000);
        }
    }

    @Override
    public String toString() {
        return "Inbox[" + component + "]";
    }
}
