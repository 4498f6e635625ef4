package io.cleave.events;

import static io.cleave.events.EventsTest.of;
import static io.cleave.events.EventsTest.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.events.app.Audit;
import io.cleave.events.app.Ledger;
import io.cleave.kafka.broker.KafkaBroker;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events through a real Kafka broker ({@code [events] kafka-bootstrap-servers}), in one process
 * and split into processes: the Ledger's relay produces its outbox to the topic of {@code Posted},
 * Audit's consumer group applies each record through its inbox. Same guarantees as without a
 * broker, plus what only a broker brings: a broker down for 10 s and back loses nothing and keeps
 * each key's order, and a record Cleave did not write (no id, a payload that does not decode) is
 * set aside rather than stopping its partition.
 */
@CleaveTest(config = "events.toml", settings = KafkaSettings.class, topologies = {"single", "multi"})
class KafkaEventsTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.forTests();

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @TopologyTest
    void anEventOfARolledBackTransactionIsNeverDelivered(Ledger ledger, Audit audit) throws Exception {
        String account = unique("rollback");

        assertThatThrownBy(() -> ledger.postThenFail(account)).hasMessageContaining("rolled back on purpose");
        ledger.post(account, 1);

        // the rolled-back event was numbered 1 too, and would have come first in the key's order
        Await.until(DELIVERY, account + ":1 applied", () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":1");
    }

    @TopologyTest
    void concurrentPublishersEventsAreAppliedOnceEachInOrderPerKey(Ledger ledger, Audit audit) throws Exception {
        String prefix = unique("order");
        List<String> accounts = List.of(prefix + "-a", prefix + "-b", prefix + "-c");

        postConcurrently(ledger, accounts, 8, 20);

        assertAppliedOnceInOrder(ledger, audit, prefix, accounts, 160);
    }

    @TopologyTest
    void aPoisonEventBecomesADeadLetterAndReplays(Ledger ledger, Audit audit, App app, TestTopology topology)
            throws Exception {
        String account = unique("poison");

        ledger.post(account, -1);
        ledger.post(account, 5);

        Await.until(DELIVERY, account + ":2 applied past the poison event",
                () -> of(audit.seen(), account).contains(account + ":2"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":2");
        assertThat(audit.kafkaDeadLetters().stream().filter(d -> d.contains(account))).singleElement().asString()
                .startsWith("Audit.posted " + account + ": ")
                .contains("amount -1 is not accepted (entry " + account + ":1)");
        String application = KafkaSettings.application(topology.name());
        int dead = audit.kafkaDeadLetters().size(); // with those of the other tests of this class
        Await.until(DELIVERY, "the dead letter in the status", () -> EventsTest.status(app, topology, application)
                .contains("events to Audit through Kafka: " + dead + " dead letter"),
                () -> EventsTest.status(app, topology, application));

        audit.acceptNegative();
        ledger.replayDeadLetters();

        Await.until(DELIVERY, account + ":1 applied after the replay",
                () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
        assertThat(of(audit.seen(), account)).containsExactly(account + ":2", account + ":1");
        assertThat(audit.kafkaDeadLetters()).noneMatch(d -> d.contains(account));
    }

    @TopologyTest
    void recordsCleaveDidNotWriteBecomeDeadLettersWithoutStoppingTheirPartition(Ledger ledger, Audit audit,
            TestTopology topology) throws Exception {
        String account = unique("malformed");
        String topic = KafkaSettings.application(topology.name()) + ".io.cleave.events.app.Posted";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(topic, account, new byte[] {(byte) 0xff, 1, 2});
            garbage.headers().add("cleave-id", "not-a-posted".getBytes(StandardCharsets.UTF_8));
            producer.send(garbage).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, account, new byte[0])).get(30, TimeUnit.SECONDS); // no id
        }

        ledger.post(account, 7); // same key, so the same partition, behind the two

        Await.until(DELIVERY, account + ":1 applied behind the malformed records",
                () -> of(audit.seen(), account).contains(account + ":1"), audit::seen);
        assertThat(audit.kafkaDeadLetters().stream().filter(d -> d.contains(" " + account + ": ")).toList())
                .hasSize(2)
                .anySatisfy(d -> assertThat(d).startsWith("Audit.posted " + account + ": "))
                .anySatisfy(d -> assertThat(d).startsWith("Audit " + account + ": ").contains("no cleave-id header"));
    }

    @TopologyTest
    void aBrokerDownForTenSecondsLosesNothingAndKeepsEachKeysOrder(Ledger ledger, Audit audit) throws Exception {
        String prefix = unique("outage");
        List<String> accounts = List.of(prefix + "-a", prefix + "-b", prefix + "-c", prefix + "-d");
        ledger.post(prefix + "-before", 1);
        Await.until(DELIVERY, "an event before the outage applied", () -> !of(audit.seen(), prefix).isEmpty(), audit::seen);

        KAFKA.kill();
        long down = System.nanoTime();
        try {
            postConcurrently(ledger, accounts, 4, 25); // committed to the outbox: the broker is not on the publish path
            assertThat(of(audit.seen(), prefix)).as("nothing applied while the broker is down").hasSize(1);
            long left = Duration.ofSeconds(10).toNanos() - (System.nanoTime() - down);
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left); // the outage itself, not a wait for a result
            }
        } finally {
            KAFKA.start();
        }

        assertAppliedOnceInOrder(ledger, audit, prefix + "-", accounts, 100);
    }

    private static void postConcurrently(Ledger ledger, List<String> accounts, int publishers, int postsEach)
            throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(publishers)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < postsEach; i++) {
                        ledger.post(accounts.get((publisher + i) % accounts.size()), i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    private static void assertAppliedOnceInOrder(Ledger ledger, Audit audit, String prefix, List<String> accounts, int total)
            throws InterruptedException {
        Await.until(DELIVERY, total + " events applied",
                () -> accounts.stream().mapToInt(a -> of(audit.seen(), a + ":").size()).sum() >= total,
                () -> of(audit.seen(), prefix).size());
        for (String account : accounts) {
            List<String> inOrder = new ArrayList<>();
            for (int n = 1; n <= of(ledger.entries(), account + ":").size(); n++) {
                inOrder.add(account + ":" + n);
            }
            assertThat(of(audit.seen(), account + ":")).as("applied order of " + account).containsExactlyElementsOf(inOrder);
        }
        assertThat(accounts.stream().mapToInt(a -> of(audit.seen(), a + ":").size()).sum()).isEqualTo(total);
    }
}
