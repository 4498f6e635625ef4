package io.cleave.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;

/**
 * The leading relay's loop with Kafka: reads the due outbox rows and hands each to its key's
 * lane, which sends the key's rows one at a time, the next only once the broker acknowledged the
 * one before it (see {@link KafkaSender} for why one at a time). Reading does not wait for the
 * lanes: rows committed while earlier ones are in flight are read at once and appended to their
 * key's lane, or start one, so one slow key or a slow acknowledgement holds back only that key.
 *
 * <p>Only this loop's thread reads, deletes and decides what is in flight, on the leader's own
 * session (so it never waits for the pool the publishers use). A row read is <em>held</em> — not
 * read again — from then until it is settled: deleted once acknowledged, or released when its
 * lane stopped before sending it. A lane that stops at a row (refused, broker unreachable)
 * records the retry first and only then hands its unsent rows back; until this
 * loop took them back, rows of that key it reads are left in the outbox. So a key is never in
 * two lanes, a later row never passes an earlier one, and a read after the release sees the
 * retry's time, which holds the key back.
 *
 * <p>Acknowledged rows are deleted in one statement per turn, with {@code synchronous_commit}
 * off on this session: a delete lost in a crash of the database only sends the row again, which
 * the subscribers' inboxes absorb; a row is never deleted before the broker acknowledged it.
 */
final class KafkaRelay {

    private static final System.Logger LOG = System.getLogger("cleave.events");
    /** The longest the loop waits, while rows are in flight, before deleting the acknowledged ones. */
    private static final int SETTLE_MILLIS = 20;

    /** Sends one record at a time to the broker: {@link KafkaSender}, or a fake in tests. */
    interface Sender {
        /** @see KafkaSender#ensureTopics */
        boolean ensureTopics(List<String> types) throws InterruptedException;

        /** @see KafkaSender#send */
        KafkaSender.Outcome send(KafkaSender.Record r) throws InterruptedException;
    }

    private final Outbox outbox;
    private final Sender sender;
    private final EventsSettings settings;
    private final BooleanSupplier running;

    /** Rows read and not settled yet, by seq: in a lane, in flight, or acknowledged and not deleted. */
    private final Map<Long, Outbox.Row> held = new HashMap<>();
    /** The lane of each key with rows in flight; only this loop's thread changes it. */
    private final Map<String, Lane> lanes = new HashMap<>();
    /** Seqs the broker acknowledged, to delete (or the lanes set aside as dead letters, deleted already). */
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    /** Lanes that ended, with the rows they did not send. */
    private final Queue<Lane> ended = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    KafkaRelay(Outbox outbox, Sender sender, EventsSettings settings, BooleanSupplier running) {
        this.outbox = outbox;
        this.sender = sender;
        this.settings = settings;
        this.running = running;
    }

    /**
     * Relays until stopped or the session fails; waits for the lanes before returning, so the
     * next leader never sends a key this one still sends.
     *
     * @param session the leader's session, holding the outbox's lock and listening on its channel
     * @throws SQLException if the session fails
     * @throws InterruptedException if interrupted (stopping)
     */
    void run(Connection session) throws SQLException, InterruptedException {
        try (Statement s = session.createStatement()) {
            s.execute("set synchronous_commit = off");
        }
        PGConnection notifications = session.unwrap(PGConnection.class);
        try {
            while (running.getAsBoolean()) {
                int read = read(session); // first: the rows whose commit woke this loop
                settle(session);
                outbox.count(session);
                if (read < settings.batchSize()) {
                    int wait = (int) settings.pollInterval().toMillis();
                    notifications.getNotifications(held.isEmpty() ? wait : Math.min(wait, SETTLE_MILLIS));
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            stopLanes();
            try {
                settle(session);
            } catch (SQLException e) {
                // not deleted: sent again by the next leader, absorbed by the inboxes
            }
        }
    }

    /** Deletes the acknowledged rows and takes back what ended lanes did not send. */
    private void settle(Connection session) throws SQLException {
        List<Long> done = new ArrayList<>();
        for (Long seq = acknowledged.poll(); seq != null; seq = acknowledged.poll()) {
            done.add(seq);
        }
        if (!done.isEmpty()) {
            try (PreparedStatement ps = session.prepareStatement("delete from cleave_outbox where seq = any(?)")) {
                ps.setArray(1, session.createArrayOf("bigint", done.toArray(Long[]::new)));
                ps.executeUpdate();
            }
            done.forEach(held::remove);
        }
        for (Lane lane = ended.poll(); lane != null; lane = ended.poll()) {
            lane.unsent().forEach(r -> held.remove(r.seq()));
            lanes.remove(lane.key, lane);
            threads.remove(lane.thread);
        }
    }

    /** Reads the due rows not held already and hands them to their lanes; returns how many it read. */
    private int read(Connection session) throws SQLException, InterruptedException {
        if (held.size() >= 4 * settings.batchSize()) {
            return 0; // the lanes are behind (a slow broker): let them catch up before reading more
        }
        List<Outbox.Row> rows = outbox.due(session, held.keySet());
        if (rows.isEmpty()) {
            return 0;
        }
        if (!sender.ensureTopics(rows.stream().map(Outbox.Row::topic).distinct().toList())) {
            Thread.sleep(settings.pollInterval());
            return 0;
        }
        for (Outbox.Row r : rows) {
            dispatch(r);
        }
        return rows.size();
    }

    /**
     * Appends a row to its key's lane, or starts one. A row of a key whose lane stopped at a
     * failure and was not taken back yet stays in the outbox (not held): it is read again after.
     */
    private void dispatch(Outbox.Row r) {
        Lane lane = lanes.get(r.key());
        if (lane != null) {
            if (lane.offer(r)) {
                held.put(r.seq(), r);
                return;
            }
            if (lane.failed()) {
                return;
            }
        }
        Lane started = new Lane(r.key());
        started.offer(r);
        held.put(r.seq(), r);
        lanes.put(r.key(), started);
        started.thread = Thread.ofVirtual().name("cleave-events-relay-lane").start(started::run);
        threads.add(started.thread);
    }

    /** Lets the lanes finish the row each is sending, and waits for them (bounded by the send's timeouts). */
    private void stopLanes() throws InterruptedException {
        lanes.values().forEach(Lane::stop);
        long deadline = System.nanoTime() + settings.deliveryTimeout().toNanos() + settings.pollInterval().toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(java.time.Duration.ofNanos(left));
            }
        }
        threads.clear();
    }

    /**
     * One key's rows in flight, sent in order on a thread of its own, one at a time. It ends when
     * its queue is empty, or at a row that was not acknowledged: then it records the retry (or
     * waits out an unreachable broker) before handing back that row and the ones after it.
     */
    private final class Lane {

        private final String key;
        private final ArrayDeque<Outbox.Row> queue = new ArrayDeque<>();
        private final List<Outbox.Row> unsent = new ArrayList<>();
        private boolean closed;
        private boolean failed;
        private volatile boolean stopping;
        private Thread thread;

        Lane(String key) {
            this.key = key;
        }

        /** Appends a row; false when the lane has ended (it takes no more). */
        synchronized boolean offer(Outbox.Row r) {
            if (closed) {
                return false;
            }
            queue.add(r);
            return true;
        }

        synchronized boolean failed() {
            return failed;
        }

        synchronized List<Outbox.Row> unsent() {
            return unsent;
        }

        void stop() {
            stopping = true;
        }

        /** The next row to send, or null (and the lane closed) when there is none. */
        private synchronized Outbox.Row next() {
            Outbox.Row r = queue.poll();
            if (r == null) {
                closed = true;
            }
            return r;
        }

        /** Closes the lane at row {@code r}, keeping it and the rows after it to hand back. */
        private synchronized void giveUp(Outbox.Row r) {
            closed = true;
            failed = true;
            if (r != null) {
                unsent.add(r);
            }
            unsent.addAll(queue);
            queue.clear();
        }

        void run() {
            Outbox.Row current = null;
            boolean done = false;
            try {
                for (current = next(); current != null; current = next()) {
                    if (stopping || !running.getAsBoolean() || !send(current)) {
                        return;
                    }
                }
                done = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "component " + outbox.component() + ": event relay failed", e);
            } finally {
                if (!done) {
                    giveUp(current);
                }
                ended.add(this);
            }
        }

        /**
         * Sends one row and settles what came of it; whether the key goes on (acknowledged, or
         * set aside as a dead letter) rather than stopping here (a retry to wait for, or the
         * broker unreachable).
         */
        private boolean send(Outbox.Row r) throws InterruptedException {
            KafkaSender.Outcome o = sender.send(new KafkaSender.Record(r.id(), r.topic(), r.key(), r.payload(),
                    r.subscriber().equals(KafkaSender.REPLAY)));
            if (o.acknowledged()) {
                acknowledged.add(r.seq());
                return true;
            }
            if (o.refusal().isEmpty()) {
                Thread.sleep(settings.pollInterval()); // not sent: the broker cannot be reached; the row stays
                return false;
            }
            int attempts = r.attempts() + 1;
            if (attempts < settings.maxAttempts()) {
                outbox.retryLater(r, attempts, r.retries() + 1, o.refusal().get());
                return false;
            }
            outbox.deadLetter(r, attempts, o.refusal().get());
            acknowledged.add(r.seq()); // gone from the outbox already; deleting it again does nothing
            return true;
        }
    }
}
