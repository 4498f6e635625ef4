package io.cleave.events;

import io.cleave.kafka.broker.KafkaBroker;
import io.cleave.test.CleaveTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link EventsCrashTest} through a real Kafka broker: {@code kill -9} of the publisher's process
 * right after a commit (its relay may not have produced the row yet, or produced it without
 * deleting it) and of the subscriber's process while it handles records (applied, offset not yet
 * committed): every committed event applied exactly once, in order per key.
 */
@CleaveTest(config = "events.toml", topologies = "multi", settings = KafkaSettings.class)
class KafkaEventsCrashTest extends EventsCrashTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.forTests();
}
