package io.cleave.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka side of one application's events: the topic of each event type, created when
 * missing, and the settings every client shares.
 *
 * <p>One topic per event type, named {@code <application>.<event type's binary name>} with
 * {@code $} as {@code _} ({@code shop.com.example.OrderConfirmed}): stable as long as the type
 * keeps its name, distinct per application on a shared broker. Records are keyed by the event's
 * key, so the default partitioner puts one key's events in one partition, in order.
 */
final class KafkaTopics {

    /** Header carrying the event's id, as {@code Inbox.once} records it (with the subscriber method's name). */
    static final String ID = "cleave-id";
    /** Header of a request to put back the dead letters of the topic's type, sent by {@code Events.replayDeadLetters()}. */
    static final String REPLAY = "cleave-replay";

    private final String application;
    private final EventsSettings settings;
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    KafkaTopics(String application, EventsSettings settings) {
        this.application = application;
        this.settings = settings;
    }

    /**
     * @return the topic of an event type
     * @throws IllegalArgumentException if the name is not a valid topic name (too long, odd characters)
     */
    String topic(String eventType) {
        String name = application + "." + eventType.replace('$', '_');
        if (name.length() > 249 || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("the Kafka topic of event type " + eventType + " in application " + application
                    + " would be \"" + name + "\", which is not a valid topic name (at most 249 of [A-Za-z0-9._-])");
        }
        return name;
    }

    /** @return the consumer group of a subscribing component */
    String group(String component) {
        return application + "." + component;
    }

    /** @return the settings of every client: the brokers, and an id naming the process's role for the broker's logs */
    Map<String, Object> client(String id) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "cleave-" + application + "-" + id + "-" + ProcessHandle.current().pid());
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        config.put(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }

    /**
     * Creates the topics that this process has not seen yet, with {@code kafka-partitions} and
     * {@code kafka-replication-factor}; a topic that exists already is left as it is.
     *
     * @throws IllegalStateException if the broker cannot be reached or refuses, within
     *     {@code delivery-timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    void ensure(List<String> topics) throws InterruptedException {
        List<NewTopic> missing = new ArrayList<>();
        for (String t : topics) {
            if (!created.contains(t)) {
                missing.add(new NewTopic(t, settings.kafkaPartitions(), (short) settings.kafkaReplicationFactor()));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Map<String, Object> config = client("admin");
        int timeout = (int) settings.deliveryTimeout().toMillis();
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        try (Admin admin = Admin.create(config)) {
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(timeout, TimeUnit.MILLISECONDS);
                } catch (ExecutionException x) {
                    if (!(x.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create Kafka topic " + e.getKey() + " on "
                                + settings.kafkaBootstrapServers() + ": " + x.getCause(), x.getCause());
                    }
                }
                created.add(e.getKey());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create Kafka topics " + missing + " on " + settings.kafkaBootstrapServers()
                    + ": no answer within " + settings.deliveryTimeout(), e);
        }
    }
}
