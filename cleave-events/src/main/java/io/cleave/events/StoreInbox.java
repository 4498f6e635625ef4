package io.cleave.events;

import io.cleave.Inbox;
import io.cleave.Store;
import java.sql.PreparedStatement;
import java.sql.Statement;

/** An {@link Inbox} on table {@code cleave_inbox} of the subscribing component's own schema. */
final class StoreInbox implements Inbox {

    private final String component;
    private final Store store;

    StoreInbox(String component, Store store) {
        this.component = component;
        this.store = store;
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                        create table if not exists cleave_inbox (
                            id         varchar(200) primary key,
                            applied_at timestamptz  not null default clock_timestamp()
                        )""");
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

    @Override
    public String toString() {
        return "Inbox[" + component + "]";
    }
}
