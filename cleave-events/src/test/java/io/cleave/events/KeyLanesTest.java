package io.cleave.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyLanes} without a broker: each key's records are applied in offset order, records
 * polled while earlier ones are applied join their key's lane, a slow or retried record holds
 * back only its key, and the offset to commit never passes a record not applied yet.
 */
class KeyLanesTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    /** What was applied, in order, as "key@offset". */
    private final List<String> applied = new CopyOnWriteArrayList<>();

    @Test
    void eachKeysRecordsAreAppliedInOffsetOrderAcrossPolls() throws Exception {
        KeyLanes lanes = lanes((p, r) -> {
            Fakes.work(1);
            applied.add(r.key() + "@" + r.offset());
            return Optional.empty();
        });

        lanes.dispatch(records(P0, 0, "a", "b", "a", "c"));
        lanes.dispatch(records(P0, 4, "a", "b", "a"));
        lanes.dispatch(records(P1, 0, "x", "x"));
        awaitApplied(lanes, 9, 9);

        assertThat(ofKey("a")).containsExactly("a@0", "a@2", "a@4", "a@6");
        assertThat(ofKey("x")).containsExactly("x@0", "x@1");
        assertThat(ofKey("b")).containsExactly("b@1", "b@5");
        assertThat(lanes.takeApplied()).isEqualTo(Map.of(P0, new OffsetAndMetadata(7), P1, new OffsetAndMetadata(2)));
        assertThat(lanes.busy()).isFalse();
    }

    @Test
    void aSlowRecordHoldsBackOnlyItsKeyAndTheOffsetToCommitStaysAtIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        KeyLanes lanes = lanes((p, r) -> {
            if (r.offset() == 1) {
                Fakes.latch(release);
            }
            applied.add(r.key() + "@" + r.offset());
            return Optional.empty();
        });

        lanes.dispatch(records(P0, 0, "a", "slow", "b", "slow", "a"));
        awaitApplied(lanes, 5, 3);

        assertThat(applied).containsExactlyInAnyOrder("a@0", "b@2", "a@4");
        assertThat(lanes.takeApplied()).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));

        release.countDown();
        awaitApplied(lanes, 5, 5);

        assertThat(ofKey("slow")).containsExactly("slow@1", "slow@3");
        assertThat(lanes.takeApplied()).isEqualTo(Map.of(P0, new OffsetAndMetadata(5)));
    }

    @Test
    void aRecordRetriedHoldsBackItsKeysLaterRecordsNotTheOtherKeys() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        KeyLanes lanes = lanes((p, r) -> {
            if (r.offset() == 0 && tries.incrementAndGet() < 3) {
                return Optional.of(Duration.ofMillis(100));
            }
            applied.add(r.key() + "@" + r.offset());
            return Optional.empty();
        });

        lanes.dispatch(records(P0, 0, "poison", "b", "poison", "b"));
        awaitApplied(lanes, 4, 2);

        assertThat(applied).containsExactly("b@1", "b@3");
        assertThat(lanes.takeApplied()).isEqualTo(Map.of(P0, new OffsetAndMetadata(0)));

        awaitApplied(lanes, 4, 4);

        assertThat(ofKey("poison")).containsExactly("poison@0", "poison@2");
        assertThat(tries).hasValue(3);
        assertThat(lanes.takeApplied()).isEqualTo(Map.of(P0, new OffsetAndMetadata(4)));
    }

    @Test
    void finishStopsARetryAndLeavesItsRecordToCommitLater() throws Exception {
        KeyLanes lanes = lanes((p, r) -> {
            if (r.offset() == 1) {
                return Optional.of(Duration.ofSeconds(30));
            }
            applied.add(r.key() + "@" + r.offset());
            return Optional.empty();
        });
        lanes.dispatch(records(P0, 0, "a", "retried", "a"));
        awaitApplied(lanes, 3, 2);

        long start = System.nanoTime();
        lanes.finish(List.of(P0));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(lanes.takeApplied()).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
    }

    private KeyLanes lanes(KeyLanes.Applier applier) {
        BooleanSupplier running = () -> true;
        return new KeyLanes(applier, running, Duration.ofSeconds(5));
    }

    private List<String> ofKey(String key) {
        return applied.stream().filter(s -> s.startsWith(key + "@")).toList();
    }

    /**
     * Waits (polling, 10 s at most) until {@code count} records were applied and the lanes are
     * done with them: no more than {@code dispatched - count} records still outstanding.
     */
    private void awaitApplied(KeyLanes lanes, int dispatched, int count) throws InterruptedException {
        Await.until(Duration.ofSeconds(10), count + " records applied and done with",
                () -> applied.size() >= count && lanes.outstanding() <= dispatched - count,
                () -> applied + ", " + lanes.outstanding() + " outstanding");
    }

    /** Records of one partition from an offset on, with these keys. */
    private static ConsumerRecords<String, byte[]> records(TopicPartition p, long from, String... keys) {
        List<ConsumerRecord<String, byte[]>> list = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            list.add(new ConsumerRecord<>(p.topic(), p.partition(), from + i, keys[i], new byte[0]));
        }
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new ConcurrentHashMap<>();
        byPartition.put(p, list);
        return new ConsumerRecords<>(byPartition, Map.of());
    }
}
