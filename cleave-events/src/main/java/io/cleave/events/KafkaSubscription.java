package io.cleave.events;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.Lifecycle;
import io.cleave.Store;
import io.cleave.spi.Codec;
import io.cleave.spi.Reader;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One subscribing component's consumer, in each process hosting it: a member of the component's
 * consumer group ({@code <application>.<Component>}) reading the topics of the event types its
 * {@code @Subscribe} methods take. Each record is handed to the methods in order per key (the
 * partition's order among one key's records), each key's records in a lane of their own
 * ({@link KeyLanes}) while the consumer goes on polling, through the reference this process has to
 * the component; the methods apply it through their {@link io.cleave.Inbox}, in the component's own
 * transaction, and a partition's offset is committed once every record before it was applied
 * (asynchronously as records flow, synchronously when partitions are revoked and when stopping).
 * A crash before the commit delivers the records after it again, which the inbox absorbs.
 *
 * <p>A method that throws is retried with backoff, its key's later records waiting meanwhile
 * (other keys go on, and the partition's committed offset stays below the record); after
 * {@code max-attempts} failures the record becomes a dead letter in table
 * {@code cleave_kafka_dead_letter} of the component's schema and the key goes on. A partition
 * with more than {@code batch-size} records outstanding is paused. A record the methods cannot
 * even read (no event id, an undecodable payload)
 * becomes one the same way. Dead letters of a type are delivered again, by any replica, once a
 * request of the publisher's {@code Events.replayDeadLetters()} arrives through the topic, or
 * {@code cleave replay-dead-letters} marks them.
 */
final class KafkaSubscription implements Lifecycle {

    private static final System.Logger LOG = System.getLogger("cleave.events");
    /** The longest a poll waits while lanes have records to apply or partitions are paused: to commit, resume, retry. */
    private static final Duration BUSY_POLL = Duration.ofMillis(10);
    /** How often the offsets applied are committed while records flow. */
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(20);

    private final String component;
    private final Class<?> type;
    private final Store store;
    private final EventsSettings settings;
    private final KafkaTopics topics;
    private final java.util.function.Function<Class<?>, Object> references;
    /** The subscriber methods of this component, by topic. */
    private final Map<String, List<Subscribers.Subscriber>> byTopic = new LinkedHashMap<>();
    private final Map<String, String> typeByTopic = new HashMap<>();
    /** The records that failed and wait for a retry in their keys' lanes. */
    private final Map<RecordAt, Retry> retries = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile boolean running;
    private volatile Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Map<String, String> state = Map.of();
    private volatile long countedAt;
    private volatile long replayedAt;

    /** Where a record is. */
    private record RecordAt(TopicPartition partition, long offset) {
    }

    /** A record's failures so far: those that count towards a dead letter, and all. */
    private record Retry(int attempts, int retries) {
    }

    /** Why a record failed: the method, and whether the component could not be reached (not counted). */
    private record Failure(String subscriber, String message, boolean unreachable) {
    }

    KafkaSubscription(String component, List<Subscribers.Subscriber> subscribers, Store store, EventsSettings settings,
            KafkaTopics topics, java.util.function.Function<Class<?>, Object> references) {
        this.component = component;
        this.type = subscribers.get(0).component();
        this.store = store;
        this.settings = settings;
        this.topics = topics;
        this.references = references;
        for (Subscribers.Subscriber s : subscribers) {
            if (s.codec().isEmpty()) {
                throw new IllegalStateException("component " + component + ": subscriber " + s.name() + " has no codec for "
                        + s.event().getName() + " in its descriptor; compile the component with cleave-codegen");
            }
            String topic = topics.topic(s.event().getName());
            byTopic.computeIfAbsent(topic, k -> new ArrayList<>()).add(s);
            typeByTopic.put(topic, s.event().getName());
        }
        store.run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                        create table if not exists cleave_kafka_dead_letter (
                            seq             bigserial     primary key,
                            id              varchar(300)  not null,
                            subscriber      varchar(300)  not null,
                            topic           varchar(300)  not null,
                            key             text          not null,
                            payload         bytea         not null,
                            kafka_topic     varchar(300)  not null,
                            kafka_partition int           not null,
                            kafka_offset    bigint        not null,
                            attempts        int           not null,
                            last_error      varchar(2000),
                            failed_at       timestamptz   not null default clock_timestamp(),
                            replay          boolean       not null default false,
                            next_attempt_at timestamptz   not null default clock_timestamp()
                        )""");
            }
        });
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("cleave-events-kafka-" + component).start(this::run);
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(settings.pollInterval().toMillis() + settings.deliveryTimeout().toMillis() * 2 + 5_000);
        }
    }

    /** Dead letters of this component, for status: {@code events to Audit through Kafka: 1 dead letter}. */
    Map<String, String> state() {
        return state;
    }

    private void run() {
        List<String> names = List.copyOf(byTopic.keySet());
        while (running) {
            try {
                topics.ensure(names);
                try (KafkaConsumer<String, byte[]> c = consumer()) {
                    consumer = c;
                    consume(c, names);
                } finally {
                    consumer = null;
                    retries.clear();
                }
            } catch (WakeupException | InterruptException e) {
                return; // stopping
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(System.Logger.Level.WARNING, "component " + component + ": Kafka consumer failed, starting again in "
                            + settings.pollInterval().toMillis() + " ms: " + e);
                    try {
                        Thread.sleep(settings.pollInterval());
                    } catch (InterruptedException x) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Polls and hands the records to their keys' lanes until stopped, committing the offsets
     * applied as it goes (asynchronously, at most every {@link #COMMIT_INTERVAL}), and synchronously
     * before partitions go to another member and when stopping.
     */
    private void consume(KafkaConsumer<String, byte[]> c, List<String> names) throws InterruptedException {
        KeyLanes lanes = new KeyLanes(this::tryApply, () -> running, settings.deliveryTimeout().plus(settings.pollInterval()));
        c.subscribe(names, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                try {
                    lanes.finish(partitions);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                commitSync(c, lanes);
                lanes.forget(partitions);
                retries.keySet().removeIf(r -> partitions.contains(r.partition()));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        });
        long committedAt = System.nanoTime();
        try {
            while (running) {
                pauseOrResume(c, lanes);
                boolean busy = lanes.busy() || !c.paused().isEmpty();
                ConsumerRecords<String, byte[]> records = c.poll(busy ? BUSY_POLL : settings.pollInterval());
                lanes.dispatch(records);
                if (System.nanoTime() - committedAt >= COMMIT_INTERVAL.toNanos()) {
                    committedAt = System.nanoTime();
                    commitAsync(c, lanes);
                }
                replayDue();
                count();
            }
        } finally {
            lanes.finishAll();
            commitSync(c, lanes);
        }
    }

    /**
     * Commits the offsets applied since the last commit, without waiting; those of a commit that
     * failed are committed again with the next (the callback runs on the consumer's thread).
     */
    private void commitAsync(KafkaConsumer<String, byte[]> c, KeyLanes lanes) {
        Map<TopicPartition, OffsetAndMetadata> offsets = lanes.takeApplied();
        if (!offsets.isEmpty()) {
            c.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    // applied but not committed yet: a crash meanwhile delivers them again, absorbed by the inbox
                    LOG.log(System.Logger.Level.DEBUG, () -> "component " + component + ": offset commit failed: " + e);
                    lanes.commitFailed(offsets.keySet());
                }
            });
        }
    }

    /** Commits the offsets applied since the last commit, waiting for the broker (at most {@code delivery-timeout}). */
    private void commitSync(KafkaConsumer<String, byte[]> c, KeyLanes lanes) {
        Map<TopicPartition, OffsetAndMetadata> offsets = lanes.takeApplied();
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                c.commitSync(offsets, settings.deliveryTimeout());
                return;
            } catch (WakeupException e) {
                // stop() woke the consumer: the wake-up is spent, the second attempt waits
            } catch (KafkaException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "component " + component + ": offset commit failed: " + e);
                return;
            }
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = topics.client("consumer-" + component);
        int timeout = (int) settings.deliveryTimeout().toMillis();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, topics.group(component));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchSize());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(timeout / 2, 1_000));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Pauses the partitions with more than {@code batch-size} records outstanding, and resumes the others. */
    private void pauseOrResume(KafkaConsumer<String, byte[]> c, KeyLanes lanes) {
        Set<TopicPartition> hold = new HashSet<>(lanes.behind(settings.batchSize()));
        hold.retainAll(c.assignment());
        Set<TopicPartition> paused = c.paused();
        List<TopicPartition> pause = hold.stream().filter(p -> !paused.contains(p)).toList();
        List<TopicPartition> resume = paused.stream().filter(p -> !hold.contains(p)).toList();
        if (!pause.isEmpty()) {
            c.pause(pause);
        }
        if (!resume.isEmpty()) {
            c.resume(resume);
        }
    }

    /**
     * Tries one record in its key's lane. A record that failed is tried again after a backoff
     * (its key's later records waiting behind it), and after {@code max-attempts} failures set
     * aside as a dead letter.
     *
     * @return empty when the record is done with; else the pause before trying it again
     */
    private Optional<Duration> tryApply(TopicPartition p, ConsumerRecord<String, byte[]> r) {
        RecordAt at = new RecordAt(p, r.offset());
        Failure failure = apply(r);
        if (failure == null) {
            retries.remove(at);
            return Optional.empty();
        }
        Retry before = retries.getOrDefault(at, new Retry(0, 0));
        int attempts = before.attempts() + (failure.unreachable() ? 0 : 1);
        int tries = before.retries() + 1;
        if (attempts >= settings.maxAttempts()) {
            deadLetter(r, failure, attempts);
            retries.remove(at);
            return Optional.empty();
        }
        Duration pause = settings.backoff(tries);
        LOG.log(System.Logger.Level.DEBUG, () -> "component " + component + ": event at " + p + "@" + r.offset()
                + " failed (retry " + tries + "), retrying in " + pause.toMillis() + " ms: " + failure.message());
        retries.put(at, new Retry(attempts, tries));
        return Optional.of(pause);
    }

    /** Hands one record to this component's methods for its type; null when each returned. */
    private Failure apply(ConsumerRecord<String, byte[]> r) {
        if (r.headers().lastHeader(KafkaTopics.REPLAY) != null) {
            markForReplay(typeByTopic.get(r.topic()));
            return null;
        }
        Header id = r.headers().lastHeader(KafkaTopics.ID);
        if (id == null) {
            return new Failure(component, "the record has no " + KafkaTopics.ID + " header: not published by Cleave", false);
        }
        for (Subscribers.Subscriber s : byTopic.getOrDefault(r.topic(), List.of())) {
            Failure f = call(s, new String(id.value(), StandardCharsets.UTF_8), r.value());
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Calls one subscriber method with the decoded event; null when it returned. */
    private Failure call(Subscribers.Subscriber s, String eventId, byte[] payload) {
        try {
            Codec<?> codec = s.codec().orElseThrow();
            Object event = codec.read(new Reader(payload == null ? new byte[0] : payload));
            Object target = references.apply(type);
            // one id per method: two methods of a component taking the same type each apply the event once
            String id = eventId + "/" + s.method().getName();
            CallContext.withDeadline(settings.deliveryTimeout(), () -> s.method().invoke(target, event, id));
            return null;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Failure(s.name(), cause.getClass().getName() + ": " + cause.getMessage(),
                    cause instanceof ComponentUnavailableException);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Failure(s.name(), e.getClass().getName() + ": " + e.getMessage(),
                    e instanceof ComponentUnavailableException);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, Failure failure, int attempts) {
        Header idHeader = r.headers().lastHeader(KafkaTopics.ID);
        String id = idHeader == null ? r.topic() + "-" + r.partition() + "@" + r.offset()
                : new String(idHeader.value(), StandardCharsets.UTF_8);
        LOG.log(System.Logger.Level.WARNING, "component " + component + ": event " + id + " (" + r.topic() + ", key " + r.key()
                + ") set aside as a dead letter for " + failure.subscriber() + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + ": " + failure.message());
        store.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into cleave_kafka_dead_letter (id, subscriber, topic, key,"
                    + " payload, kafka_topic, kafka_partition, kafka_offset, attempts, last_error)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, truncate(id, 300));
                ps.setString(2, failure.subscriber());
                ps.setString(3, typeByTopic.getOrDefault(r.topic(), r.topic()));
                ps.setString(4, r.key() == null ? "" : r.key());
                ps.setBytes(5, r.value() == null ? new byte[0] : r.value());
                ps.setString(6, r.topic());
                ps.setInt(7, r.partition());
                ps.setLong(8, r.offset());
                ps.setInt(9, attempts);
                ps.setString(10, truncate(failure.message(), 2000));
                ps.executeUpdate();
            }
        });
        countedAt = 0;
    }

    /** Marks this component's dead letters of a type to be delivered again, attempts from zero. */
    private void markForReplay(String eventType) {
        if (eventType == null) {
            return;
        }
        int marked = store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update cleave_kafka_dead_letter set replay = true, attempts = 0,"
                    + " next_attempt_at = clock_timestamp() where topic = ? and not replay")) {
                ps.setString(1, eventType);
                return ps.executeUpdate();
            }
        });
        LOG.log(System.Logger.Level.INFO, "component " + component + ": " + marked + " dead letter" + (marked == 1 ? "" : "s")
                + " of " + eventType + " to deliver again");
        replayedAt = 0;
    }

    /** A dead letter claimed for a replay. */
    private record Letter(long seq, String id, String subscriber, byte[] payload, int attempts) {
    }

    /**
     * Delivers the dead letters marked for replay whose time has come, at most once per
     * {@code poll-interval}; each is claimed first, so two replicas never deliver one at once.
     */
    private void replayDue() {
        long now = System.nanoTime();
        if (replayedAt != 0 && now - replayedAt < settings.pollInterval().toNanos()) {
            return;
        }
        replayedAt = now;
        List<Letter> letters = store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    update cleave_kafka_dead_letter set next_attempt_at = clock_timestamp() + ? * interval '1 millisecond'
                    where seq in (select seq from cleave_kafka_dead_letter where replay and next_attempt_at <= clock_timestamp()
                                  order by seq limit ? for update skip locked)
                    returning seq, id, subscriber, payload, attempts""")) {
                ps.setLong(1, settings.deliveryTimeout().toMillis() * 3);
                ps.setInt(2, settings.batchSize());
                try (ResultSet rs = ps.executeQuery()) {
                    List<Letter> result = new ArrayList<>();
                    while (rs.next()) {
                        result.add(new Letter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getInt(5)));
                    }
                    return result;
                }
            }
        });
        letters.sort(java.util.Comparator.comparingLong(Letter::seq));
        for (Letter l : letters) {
            Optional<Subscribers.Subscriber> s = byTopic.values().stream().flatMap(List::stream)
                    .filter(x -> x.name().equals(l.subscriber())).findFirst();
            Failure f = s.isPresent() ? call(s.get(), l.id(), l.payload())
                    : new Failure(l.subscriber(), "the component has no subscriber " + l.subscriber() + " any more", false);
            if (f == null) {
                store.run(c -> {
                    try (PreparedStatement ps = c.prepareStatement("delete from cleave_kafka_dead_letter where seq = ?")) {
                        ps.setLong(1, l.seq());
                        ps.executeUpdate();
                    }
                });
                continue;
            }
            int attempts = l.attempts() + (f.unreachable() ? 0 : 1);
            boolean again = attempts < settings.maxAttempts();
            store.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("update cleave_kafka_dead_letter set attempts = ?, last_error = ?,"
                        + " replay = ?, failed_at = clock_timestamp(),"
                        + " next_attempt_at = clock_timestamp() + ? * interval '1 millisecond' where seq = ?")) {
                    ps.setInt(1, attempts);
                    ps.setString(2, truncate(f.message(), 2000));
                    ps.setBoolean(3, again);
                    ps.setLong(4, settings.backoff(Math.max(attempts, 1)).toMillis());
                    ps.setLong(5, l.seq());
                    ps.executeUpdate();
                }
            });
        }
        if (!letters.isEmpty()) {
            countedAt = 0;
        }
    }

    /** Counts this component's dead letters, at most once a second. */
    private void count() {
        long now = System.nanoTime();
        if (countedAt != 0 && now - countedAt < Duration.ofSeconds(1).toNanos()) {
            return;
        }
        countedAt = now;
        long[] n = store.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select count(*) filter (where not replay), count(*) filter (where replay) from cleave_kafka_dead_letter")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
        state = Map.of(component, "events to " + component + " through Kafka: " + n[0] + " dead letter" + (n[0] == 1 ? "" : "s")
                + (n[1] > 0 ? ", " + n[1] + " being delivered again" : "")
                + (n[0] > 0 ? " (the publisher's Events.replayDeadLetters() or cleave replay-dead-letters delivers them again)" : ""));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public String toString() {
        return "Kafka consumer of " + component;
    }
}
