package io.cleave.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends one component's outbox rows to Kafka: an idempotent producer with {@code acks=all}, so a
 * record is acknowledged only once every in-sync replica has it, retried by the producer until
 * the broker answers, never given up on for a timeout. The outbox hands it one record of a key at
 * a time: a record the broker refused must not let the next one of its key pass it (an
 * idempotent producer goes on with a partition's later batches after one failed).
 */
final class KafkaSender implements KafkaRelay.Sender {

    private static final System.Logger LOG = System.getLogger("cleave.events");
    /** What the outbox records as the subscriber of a row that goes to Kafka (every subscriber reads the topic). */
    static final String SUBSCRIBER = "(kafka)";
    /** What the outbox records as the subscriber of a row that asks the subscribers to put back their dead letters. */
    static final String REPLAY = "(kafka replay)";

    /**
     * One row to send.
     *
     * @param id the event's id (or the replay request's)
     * @param type the event type's binary name
     * @param key the event's key (empty for a replay request, which goes to partition 0)
     * @param payload the encoded event
     * @param replay whether it is a request to put back the dead letters of the type
     */
    record Record(String id, String type, String key, byte[] payload, boolean replay) {
    }

    /**
     * How a send ended.
     *
     * @param acknowledged whether the broker acknowledged the record
     * @param refusal why the broker refused it, if it did (a record it will never take as it is);
     *     empty when acknowledged or not sent at all (the broker not reachable: sent again later)
     */
    record Outcome(boolean acknowledged, Optional<String> refusal) {
        static final Outcome ACKNOWLEDGED = new Outcome(true, Optional.empty());
        static final Outcome NOT_SENT = new Outcome(false, Optional.empty());
    }

    private final String component;
    private final KafkaTopics topics;
    private final EventsSettings settings;
    private KafkaProducer<String, byte[]> producer;
    private volatile boolean unreachable;

    KafkaSender(String component, KafkaTopics topics, EventsSettings settings) {
        this.component = component;
        this.topics = topics;
        this.settings = settings;
    }

    /** @see KafkaTopics#topic */
    String topic(String type) {
        return topics.topic(type);
    }

    /**
     * Makes sure the topics of these event types exist.
     *
     * @return whether they do; false (logged once) when the broker cannot be reached
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public boolean ensureTopics(List<String> types) throws InterruptedException {
        try {
            topics.ensure(types.stream().map(topics::topic).distinct().toList());
            return true;
        } catch (IllegalStateException e) {
            unreachable(e);
            return false;
        }
    }

    /**
     * Sends one record and waits for the broker's answer, however long it is unreachable (the
     * producer retries in order without end). Safe to call from several threads: the records of
     * different keys share one producer and its batches.
     *
     * @return how it ended
     * @throws InterruptedException if interrupted while waiting (the relay stopping)
     */
    @Override
    public Outcome send(Record r) throws InterruptedException {
        Future<RecordMetadata> sent;
        try {
            sent = producer().send(record(r));
        } catch (KafkaException e) {
            // send() waited delivery-timeout for the topic's metadata, or the producer failed: not sent
            unreachable(e);
            close();
            return Outcome.NOT_SENT;
        }
        try {
            sent.get();
            if (unreachable) {
                unreachable = false;
                LOG.log(System.Logger.Level.INFO, "component " + component + ": Kafka at " + settings.kafkaBootstrapServers()
                        + " takes events again");
            }
            return Outcome.ACKNOWLEDGED;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                // given up on for a timeout (the topic's metadata did not come): not refused, the broker is away
                unreachable(e);
                close();
                return Outcome.NOT_SENT;
            }
            LOG.log(System.Logger.Level.WARNING, "component " + component + ": Kafka refused event " + r.id() + " (" + r.type()
                    + ", key " + r.key() + "): " + e.getCause());
            return new Outcome(false, Optional.of(String.valueOf(e.getCause())));
        }
    }

    private void unreachable(Exception e) {
        if (!unreachable) {
            unreachable = true;
            LOG.log(System.Logger.Level.WARNING, "component " + component + ": cannot send events to Kafka at "
                    + settings.kafkaBootstrapServers() + ", trying again: " + e);
        }
    }

    private ProducerRecord<String, byte[]> record(Record r) {
        boolean replay = r.replay();
        ProducerRecord<String, byte[]> record = replay
                ? new ProducerRecord<>(topics.topic(r.type()), 0, null, r.payload())
                : new ProducerRecord<>(topics.topic(r.type()), r.key(), r.payload());
        record.headers().add(new RecordHeader(replay ? KafkaTopics.REPLAY : KafkaTopics.ID, r.id().getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = topics.client("producer-" + component);
            int timeout = (int) settings.deliveryTimeout().toMillis();
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0); // a key's next row waits for this one's acknowledgement: no reason to wait for more
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout / 2);
            // retried until the broker answers, in order: a record given up on could let a later one of its key pass it
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** Closes the producer, abandoning what it has not sent (the rows stay in the outbox). */
    synchronized void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ZERO);
            producer = null;
        }
    }
}
