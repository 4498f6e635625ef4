package io.cleave.events;

import io.cleave.kafka.broker.KafkaBroker;
import io.cleave.test.TestSettings;
import java.util.Map;

/**
 * Points a test's application at the Kafka broker its class started ({@link KafkaBroker#forTests()}),
 * and names the application after the topology, so each topology has topics and consumer groups
 * of its own on the one broker.
 */
public final class KafkaSettings implements TestSettings {

    /** Creates it. */
    public KafkaSettings() {
    }

    /** @return the application's name in a topology */
    static String application(String topology) {
        return "events-kafka-" + topology;
    }

    @Override
    public Map<String, String> settings(Context context) {
        return Map.of("events.kafka-bootstrap-servers", "\"" + KafkaBroker.current().bootstrapServers() + "\"",
                "app.name", "\"" + application(context.topology()) + "\"");
    }
}
