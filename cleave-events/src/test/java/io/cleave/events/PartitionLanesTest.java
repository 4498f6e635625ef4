package io.cleave.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionLanes} without a broker: records polled while earlier ones are applied join
 * their partition's lane in order; a record to retry stops its partition, drops what was polled
 * after it and moves the position back to it; offsets count as applied only up to it.
 */
class PartitionLanesTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final Map<TopicPartition, List<Long>> applied = new ConcurrentHashMap<>();

    @Test
    void recordsPolledWhileEarlierOnesAreAppliedJoinTheirLaneInOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        PartitionLanes lanes = new PartitionLanes((p, r) -> {
            await(release);
            record(p, r);
            return true;
        }, () -> true, Duration.ofSeconds(5));

        lanes.dispatch(records(P0, 0, 3));
        lanes.dispatch(records(P1, 0, 2));
        lanes.dispatch(records(P0, 3, 4));
        release.countDown();
        awaitApplied(P0, 7);
        awaitApplied(P1, 2);

        assertThat(applied.get(P0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(applied.get(P1)).containsExactly(0L, 1L);
        assertThat(lanes.takeApplied()).containsEntry(P0, new OffsetAndMetadata(7)).containsEntry(P1, new OffsetAndMetadata(2));
    }

    @Test
    void aRecordToRetryStopsItsPartitionDropsWhatFollowsAndMovesThePositionBack() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
        PartitionLanes lanes = new PartitionLanes((p, r) -> {
            if (p.equals(P0) && r.offset() == 2 && failedOnce.add(r.offset())) {
                stopped.countDown();
                return false;
            }
            record(p, r);
            return true;
        }, () -> true, Duration.ofSeconds(5));
        MockConsumer<String, byte[]> consumer = consumer();

        lanes.dispatch(records(P0, 0, 5));
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
        awaitEnded(lanes, P0);
        lanes.dispatch(records(P0, 5, 3)); // polled before the position moved back: dropped
        List<TopicPartition> retried = lanes.settle(consumer);

        assertThat(retried).containsExactly(P0);
        assertThat(consumer.position(P0)).isEqualTo(2);
        assertThat(applied.get(P0)).containsExactly(0L, 1L);
        assertThat(lanes.takeApplied()).containsExactly(Map.entry(P0, new OffsetAndMetadata(2)));

        lanes.dispatch(records(P0, 2, 6)); // polled again from the record to retry
        awaitApplied(P0, 8);

        assertThat(applied.get(P0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(lanes.takeApplied()).containsExactly(Map.entry(P0, new OffsetAndMetadata(8)));
    }

    @Test
    void finishWaitsForTheCurrentRecordAndAppliesNoMore() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PartitionLanes lanes = new PartitionLanes((p, r) -> {
            started.countDown();
            await(release);
            record(p, r);
            return true;
        }, () -> true, Duration.ofSeconds(5));
        lanes.dispatch(records(P0, 0, 3));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        Thread.ofVirtual().start(() -> {
            sleep(100);
            release.countDown();
        });
        lanes.finish(List.of(P0));

        assertThat(applied.get(P0)).containsExactly(0L);
        assertThat(lanes.takeApplied()).containsExactly(Map.entry(P0, new OffsetAndMetadata(1)));
        assertThat(lanes.busy()).isFalse();
    }

    private void record(TopicPartition p, ConsumerRecord<String, byte[]> r) {
        applied.computeIfAbsent(p, k -> new CopyOnWriteArrayList<>()).add(r.offset());
    }

    private void awaitApplied(TopicPartition p, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (applied.getOrDefault(p, List.of()).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Waits until the lane of a partition has ended (it takes no more records). */
    private static void awaitEnded(PartitionLanes lanes, TopicPartition p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lanes.busy() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
    }

    private static ConsumerRecords<String, byte[]> records(TopicPartition p, long from, int count) {
        List<ConsumerRecord<String, byte[]>> list = new ArrayList<>();
        for (long o = from; o < from + count; o++) {
            list.add(new ConsumerRecord<>(p.topic(), p.partition(), o, "k", new byte[0]));
        }
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new HashMap<>();
        byPartition.put(p, list);
        return new ConsumerRecords<>(byPartition, Map.of());
    }

    private static MockConsumer<String, byte[]> consumer() {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.seek(P0, 5);
        return consumer;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
