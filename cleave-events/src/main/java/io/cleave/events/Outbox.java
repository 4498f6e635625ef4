package io.cleave.events;

import io.cleave.CallContext;
import io.cleave.Events;
import io.cleave.Lifecycle;
import io.cleave.Store;
import io.cleave.spi.Codec;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.lang.reflect.InvocationTargetException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.postgresql.PGConnection;

/**
 * One component's outbox — table {@code cleave_outbox} in its own schema, one row per event and
 * subscriber — and its relay, which delivers the rows to the subscribers.
 *
 * <p>Publishing inserts the rows on the caller's connection and queues a PostgreSQL notification,
 * which the database sends only when (and if) that transaction commits. In each process hosting
 * the component a relay runs; the one holding a session-level advisory lock on the outbox leads
 * and the others wait to take over (a dead process's session, and with it the lock, ends at
 * once; one cut off from the database loses it within seconds, {@link Store#session()}). The
 * leader listens for the notifications, reads the oldest due rows, and delivers each
 * subscriber's rows of one key in order, calling the subscriber method through the reference this
 * process has to its component: the instance in the same process, a stub over the transport in
 * another. A delivered row is deleted after the call returned; a crash between the two delivers
 * it again, which the subscriber's {@link io.cleave.Inbox} absorbs. A failed delivery is retried
 * with backoff, holding back the rows after it of the same subscriber and key; after
 * {@code max-attempts} failures of the subscriber itself (not counting calls that could not reach
 * it) it moves to {@code cleave_dead_letter} and the key goes on.
 *
 * <p>With {@code [events] kafka-bootstrap-servers} a publish writes one row per event (not per
 * subscriber) and the leader sends the rows to Kafka instead ({@link KafkaRelay}), deleting each
 * once the broker acknowledged it; the subscribers consume ({@link KafkaSubscription}).
 */
final class Outbox implements Lifecycle {

    private static final System.Logger LOG = System.getLogger("cleave.events");
    /** Deliveries in flight at once, each of a different subscriber and key. */
    private static final int PARALLEL = 16;

    private final String component;
    private final Store store;
    private final EventsSettings settings;
    private final Subscribers subscribers;
    private final Function<Class<?>, Object> references;
    private final String channel;
    private final Map<String, Codec<?>> topics = new ConcurrentHashMap<>();
    /** Sends the rows to Kafka instead of calling the subscribers; null without a broker. */
    private final KafkaSender kafka;

    /** What the leading relay last counted, by subscribing component: for status. */
    private volatile Map<String, String> state = Map.of();
    private long countedAt;

    private volatile boolean running;
    private volatile Thread relay;
    private volatile boolean leading;

    Outbox(String component, Store store, EventsSettings settings, Subscribers subscribers,
            Function<Class<?>, Object> references, Optional<KafkaTopics> kafka) {
        this.component = component;
        this.store = store;
        this.settings = settings;
        this.subscribers = subscribers;
        this.references = references;
        this.kafka = kafka.map(k -> new KafkaSender(component, k, settings)).orElse(null);
        this.channel = store.transaction(c -> create(c));
    }

    /** Creates the tables if the schema has none; returns the notification channel, named after the schema. */
    private static String create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("""
                    create table if not exists cleave_outbox (
                        seq             bigserial     primary key,
                        id              varchar(36)   not null,
                        subscriber      varchar(300)  not null,
                        topic           varchar(300)  not null,
                        key             varchar(200)  not null,
                        payload         bytea         not null,
                        attempts        int           not null default 0,
                        retries         int           not null default 0,
                        next_attempt_at timestamptz   not null default clock_timestamp(),
                        last_error      varchar(2000),
                        created_at      timestamptz   not null default clock_timestamp()
                    )""");
            s.execute("create index if not exists cleave_outbox_key on cleave_outbox (subscriber, key, seq)");
            s.execute("""
                    create table if not exists cleave_dead_letter (
                        seq             bigint        primary key,
                        id              varchar(36)   not null,
                        subscriber      varchar(300)  not null,
                        topic           varchar(300)  not null,
                        key             varchar(200)  not null,
                        payload         bytea         not null,
                        attempts        int           not null,
                        last_error      varchar(2000),
                        created_at      timestamptz   not null,
                        failed_at       timestamptz   not null default clock_timestamp()
                    )""");
            try (ResultSet rs = s.executeQuery("select current_schema()")) {
                rs.next();
                return "cleave_outbox_" + rs.getString(1);
            }
        }
    }

    /** Lets the relay decode the events of one type this component publishes. */
    <E> void register(Class<E> type, Codec<E> codec) {
        if (kafka != null) {
            kafka.topic(type.getName()); // a name Kafka refuses fails the start
        }
        topics.put(type.getName(), codec);
    }

    /** Writes one row per subscriber of the event's type, and the notification sent at commit. */
    <E> void publish(Connection c, String key, E event, Codec<E> codec) throws SQLException {
        if (key == null || key.isEmpty() || key.length() > 200) {
            throw new IllegalArgumentException("Events.publish from " + component + ": the key must be 1 to 200 characters, not "
                    + (key == null ? "null" : key.isEmpty() ? "empty" : key.length()));
        }
        List<Subscribers.Subscriber> to = subscribers.of(event.getClass());
        if (to.isEmpty()) {
            return; // nobody in this application subscribes: there is nothing to deliver
        }
        Writer out = new Writer(128);
        codec.write(out, event);
        // through Kafka one record reaches every subscriber (a consumer group each); else a row per subscriber
        int rows = kafka != null ? 1 : to.size();
        String[] ids = new String[rows];
        String[] names = new String[rows];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = UUID.randomUUID().toString();
            names[i] = kafka != null ? KafkaSender.SUBSCRIBER : to.get(i).name();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                with n as (select pg_notify(?, ''))
                insert into cleave_outbox (id, subscriber, topic, key, payload)
                select s.id, s.subscriber, ?, ?, ? from n, unnest(?::varchar[], ?::varchar[]) as s(id, subscriber)""")) {
            ps.setString(1, channel);
            ps.setString(2, event.getClass().getName());
            ps.setString(3, key);
            ps.setBytes(4, out.toByteArray());
            Array idArray = c.createArrayOf("varchar", ids);
            Array nameArray = c.createArrayOf("varchar", names);
            ps.setArray(5, idArray);
            ps.setArray(6, nameArray);
            ps.executeUpdate();
        }
    }

    List<Events.DeadLetter> deadLetters(Class<?> type) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, subscriber, key, attempts, last_error, failed_at"
                    + " from cleave_dead_letter where topic = ? order by seq")) {
                ps.setString(1, type.getName());
                try (ResultSet rs = ps.executeQuery()) {
                    List<Events.DeadLetter> result = new ArrayList<>();
                    while (rs.next()) {
                        result.add(new Events.DeadLetter(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                String.valueOf(rs.getString(5)), rs.getTimestamp(6).toInstant()));
                    }
                    return result;
                }
            }
        });
    }

    int replay(Class<?> type) {
        if (kafka != null) {
            // the dead letters are in the subscribers' stores: ask each through the topic, behind the events before
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        with n as (select pg_notify(?, ''))
                        insert into cleave_outbox (id, subscriber, topic, key, payload) select ?, ?, ?, '', ''::bytea from n""")) {
                    ps.setString(1, channel);
                    ps.setString(2, UUID.randomUUID().toString());
                    ps.setString(3, KafkaSender.REPLAY);
                    ps.setString(4, type.getName());
                    ps.executeUpdate();
                }
            });
        }
        return store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    with d as (delete from cleave_dead_letter where topic = ? returning seq, id, subscriber, topic, key, payload,
                                                                                         created_at),
                         n as (select pg_notify(?, ''))
                    insert into cleave_outbox (id, subscriber, topic, key, payload, created_at)
                    select id, subscriber, topic, key, payload, created_at from d, n order by seq""")) {
                ps.setString(1, type.getName());
                ps.setString(2, channel);
                return ps.executeUpdate();
            }
        });
    }

    /** Starts this process's relay, which leads when no other process's does. */
    @Override
    public void start() {
        running = true;
        relay = Thread.ofVirtual().name("cleave-events-relay-" + component).start(this::relayWhileRunning);
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        Thread t = relay;
        if (t != null) {
            t.interrupt();
            t.join(settings.pollInterval().toMillis() + settings.deliveryTimeout().toMillis() + 5_000);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * How delivery stands per subscribing component, while this process's relay leads: events
     * waiting and dead letters, such as {@code events from Ledger: 3 waiting, 1 dead letter}.
     */
    Map<String, String> state() {
        return leading ? state : Map.of();
    }

    /**
     * Counts waiting events and dead letters per subscribing component, at most once a second, on
     * the leader's session (not waiting for the pool the publishers use).
     */
    void count(Connection session) throws SQLException {
        long now = System.nanoTime();
        if (countedAt != 0 && now - countedAt < 1_000_000_000L) {
            return;
        }
        countedAt = now;
        Map<String, long[]> counts = new java.util.TreeMap<>();
        try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery("""
                select subscriber, count(*), 0 from cleave_outbox group by subscriber
                union all select subscriber, 0, count(*) from cleave_dead_letter group by subscriber""")) {
            while (rs.next()) {
                String subscriber = rs.getString(1);
                String callee = subscriber.startsWith("(kafka") ? "Kafka"
                        : subscriber.substring(0, Math.max(0, subscriber.indexOf('.')));
                long[] n = counts.computeIfAbsent(callee, k -> new long[2]);
                n[0] += rs.getLong(2);
                n[1] += rs.getLong(3);
            }
        }
        Map<String, String> described = new LinkedHashMap<>();
        counts.forEach((callee, n) -> described.put(callee, "events from " + component + ": " + n[0] + " waiting, " + n[1]
                + " dead letter" + (n[1] == 1 ? "" : "s") + (n[1] > 0 ? " (Events.replayDeadLetters() delivers them again)" : "")));
        state = Map.copyOf(described);
    }

    /** Whether this process's relay leads; for tests. */
    boolean leading() {
        return leading;
    }

    private void relayWhileRunning() {
        while (running) {
            try (Connection session = store.session()) { // closed, it ends with its lock and subscription
                try {
                    lead(session);
                } finally {
                    leading = false;
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.log(System.Logger.Level.WARNING, "component " + component + ": event relay failed, retrying in "
                            + settings.pollInterval().toMillis() + " ms: " + e);
                    pause();
                }
            } catch (InterruptedException e) {
                return; // stopping
            }
        }
    }

    /** Waits to hold the outbox's lock, then relays until stopped. */
    private void lead(Connection session) throws SQLException, InterruptedException {
        while (running && !tryLock(session)) {
            pause();
        }
        if (!running) {
            return;
        }
        leading = true;
        try (Statement s = session.createStatement()) {
            s.execute("listen \"" + channel + "\"");
        }
        if (kafka != null) {
            new KafkaRelay(this, kafka, settings, () -> running).run(session);
            return;
        }
        PGConnection notifications = session.unwrap(PGConnection.class);
        while (running) {
            int read = relayOnce();
            count(session);
            if (read < settings.batchSize()) {
                notifications.getNotifications((int) settings.pollInterval().toMillis());
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private boolean tryLock(Connection session) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement("select pg_try_advisory_lock(hashtextextended(?, 0))")) {
            ps.setString(1, channel);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(settings.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The component whose outbox this is. */
    String component() {
        return component;
    }

    /** One row of the outbox. */
    record Row(long seq, String id, String subscriber, String topic, String key, byte[] payload, int attempts,
            int retries) {
    }

    /**
     * Why a delivery failed.
     *
     * @param message the exception's type and message
     * @param unreachable whether the subscriber could not be reached (its process down or
     *     replaced, the call refused or timed out): retried without end, since it says nothing about
     *     the event; only failures of the subscriber itself count towards a dead letter
     */
    private record Failure(String message, boolean unreachable) {
    }

    /**
     * Reads the oldest rows whose key is not waiting for a retry, delivers them to the subscribers
     * (without a broker), and returns how many it read.
     */
    int relayOnce() throws InterruptedException {
        List<Row> rows = store.read(c -> due(c, List.of()));
        if (rows.isEmpty()) {
            return 0;
        }
        deliver(rows);
        return rows.size();
    }

    /**
     * The oldest rows whose key is not waiting for a retry, at most {@code batch-size}, leaving out
     * the rows {@code held} (read before and not settled yet).
     */
    List<Row> due(Connection c, Collection<Long> held) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                select o.seq, o.id, o.subscriber, o.topic, o.key, o.payload, o.attempts, o.retries from cleave_outbox o
                where not exists (select 1 from cleave_outbox h
                                  where h.subscriber = o.subscriber and h.key = o.key and h.seq <= o.seq
                                    and h.next_attempt_at > clock_timestamp())
                  and o.seq <> all(?)
                order by o.seq limit ?""")) {
            ps.setArray(1, c.createArrayOf("bigint", held.toArray(Long[]::new)));
            ps.setInt(2, settings.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                List<Row> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getBytes(6), rs.getInt(7), rs.getInt(8)));
                }
                return result;
            }
        }
    }

    /** Delivers rows to the subscribers, each subscriber's rows of one key in order, several keys at once. */
    private void deliver(List<Row> rows) throws InterruptedException {
        // every earlier row of a key is older, so it is in the batch too: each group starts at its key's head
        Map<String, List<Row>> byKey = new LinkedHashMap<>();
        for (Row r : rows) {
            byKey.computeIfAbsent(r.subscriber() + '\u0000' + r.key(), k -> new ArrayList<>()).add(r);
        }
        Semaphore permits = new Semaphore(PARALLEL);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (List<Row> group : byKey.values()) {
                permits.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        deliverInOrder(group);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.log(System.Logger.Level.WARNING, "component " + component + ": event relay failed", e.getCause());
                }
            }
        }
    }

    /** Delivers one subscriber's rows of one key in order, stopping at the first that must wait for a retry. */
    private void deliverInOrder(List<Row> group) {
        List<Long> delivered = new ArrayList<>();
        try {
            for (Row r : group) {
                if (!running) {
                    return;
                }
                Subscribers.Subscriber subscriber = subscribers.named(r.subscriber());
                Codec<?> codec = topics.get(r.topic());
                if (subscriber == null || codec == null) {
                    deleteDelivered(delivered);
                    deadLetter(r, r.attempts(), subscriber == null
                            ? "the application has no subscriber " + r.subscriber() + " any more"
                            : component + " no longer publishes " + r.topic() + " (no Events<" + r.topic() + "> parameter)");
                    continue;
                }
                Failure failure = deliver(subscriber, codec, r);
                if (failure == null) {
                    delivered.add(r.seq());
                    continue;
                }
                deleteDelivered(delivered);
                int attempts = r.attempts() + (failure.unreachable() ? 0 : 1);
                if (attempts >= settings.maxAttempts()) {
                    deadLetter(r, attempts, failure.message());
                    continue;
                }
                retryLater(r, attempts, r.retries() + 1, failure.message());
                return;
            }
        } finally {
            deleteDelivered(delivered);
        }
    }

    /** Calls the subscriber; null when it returned, else why it failed. */
    private Failure deliver(Subscribers.Subscriber subscriber, Codec<?> codec, Row r) {
        try {
            Object event = codec.read(new Reader(r.payload()));
            Object target = references.apply(subscriber.component());
            CallContext.withDeadline(settings.deliveryTimeout(), () -> subscriber.method().invoke(target, event, r.id()));
            return null;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Failure(cause.getClass().getName() + ": " + cause.getMessage(),
                    cause instanceof io.cleave.ComponentUnavailableException);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Failure(e.getClass().getName() + ": " + e.getMessage(), e instanceof io.cleave.ComponentUnavailableException);
        }
    }

    private void deleteDelivered(List<Long> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        Long[] seqs = delivered.toArray(Long[]::new);
        delivered.clear();
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from cleave_outbox where seq = any(?)")) {
                ps.setArray(1, c.createArrayOf("bigint", seqs));
                ps.executeUpdate();
            }
        });
    }

    void retryLater(Row r, int attempts, int retries, String failure) {
        long pause = settings.backoff(retries).toMillis();
        LOG.log(System.Logger.Level.DEBUG, () -> "component " + component + ": delivery of event " + r.id() + " to "
                + r.subscriber() + " failed (retry " + retries + "), retrying in " + pause + " ms: " + failure);
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update cleave_outbox set attempts = ?, retries = ?, last_error = ?,"
                    + " next_attempt_at = clock_timestamp() + ? * interval '1 millisecond' where seq = ?")) {
                ps.setInt(1, attempts);
                ps.setInt(2, retries);
                ps.setString(3, truncate(failure));
                ps.setLong(4, pause);
                ps.setLong(5, r.seq());
                ps.executeUpdate();
            }
        });
    }

    void deadLetter(Row r, int attempts, String failure) {
        LOG.log(System.Logger.Level.WARNING, "component " + component + ": event " + r.id() + " (" + r.topic() + ", key "
                + r.key() + ") set aside as a dead letter for " + r.subscriber() + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + ": " + failure);
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    with d as (delete from cleave_outbox where seq = ? returning seq, id, subscriber, topic, key, payload,
                                                                              created_at)
                    insert into cleave_dead_letter (seq, id, subscriber, topic, key, payload, attempts, last_error, created_at)
                    select seq, id, subscriber, topic, key, payload, ?, ?, created_at from d""")) {
                ps.setLong(1, r.seq());
                ps.setInt(2, attempts);
                ps.setString(3, truncate(failure));
                ps.executeUpdate();
            }
        });
    }

    private static String truncate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000);
    }

    @Override
    public String toString() {
        return "event relay of " + component;
    }
}
