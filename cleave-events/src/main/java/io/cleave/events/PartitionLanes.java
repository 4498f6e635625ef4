package io.cleave.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer's records being applied: one lane per partition, a thread that applies the
 * partition's records in offset order, while the consumer's thread goes on polling. So a partition
 * with slow records holds back only itself, and records arrive in their lane while earlier ones
 * are applied, instead of waiting for a whole poll's records of every partition.
 *
 * <p>Only the consumer's thread calls the methods; the lanes only apply and record offsets. A
 * lane that stops at a record to retry it later ends; it drops the records after it, already
 * polled, and until the consumer's thread {@linkplain #settle settled} it (moved the partition's
 * position back to that record) the partition's newly polled records are dropped too. So a
 * partition is never in two lanes and a record never passes an earlier one.
 *
 * <p>The offset of a partition (the next to read) counts as applied once every record before it
 * was: offsets are committed only after their records were applied.
 */
final class PartitionLanes {

    private static final System.Logger LOG = System.getLogger("cleave.events");

    /** Applies one record in its partition's lane. */
    @FunctionalInterface
    interface Applier {
        /**
         * Applies a record (or sets it aside as a dead letter).
         *
         * @return whether its partition goes on past it; false when the record waits for a retry
         *     (the applier recorded when), which stops the lane at it
         */
        boolean apply(TopicPartition partition, ConsumerRecord<String, byte[]> record);
    }

    private final Applier applier;
    private final BooleanSupplier running;
    private final Duration finishTimeout;
    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    /** The next offset of each partition whose records before it were applied, not committed yet. */
    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
    private final Queue<Lane> ended = new ConcurrentLinkedQueue<>();

    /**
     * @param applier applies a record
     * @param running false when the consumer stops: the lanes stop after their current record
     * @param finishTimeout the longest {@link #finish} waits for a lane's current record
     */
    PartitionLanes(Applier applier, BooleanSupplier running, Duration finishTimeout) {
        this.applier = applier;
        this.running = running;
        this.finishTimeout = finishTimeout;
    }

    /** Appends each partition's records to its lane, starting one where none runs. */
    void dispatch(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition p : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> list = records.records(p);
            Lane lane = lanes.get(p);
            if (lane != null && lane.offer(list)) {
                continue;
            }
            if (lane != null && lane.retryAt() >= 0) {
                continue; // stopped for a retry: settle moves the position back to that record
            }
            Lane started = new Lane(p);
            started.offer(list);
            lanes.put(p, started);
            started.thread = Thread.ofVirtual().name("cleave-events-kafka-lane-" + p).start(started::run);
        }
    }

    /**
     * Takes back the lanes that ended: moves the position of each that stopped for a retry back
     * to that record (dropping what was polled after it).
     *
     * @return the partitions that stopped for a retry
     */
    List<TopicPartition> settle(Consumer<String, byte[]> consumer) {
        List<TopicPartition> stopped = new ArrayList<>();
        for (Lane lane = ended.poll(); lane != null; lane = ended.poll()) {
            if (lanes.remove(lane.partition, lane) && lane.retryAt() >= 0) {
                consumer.seek(lane.partition, lane.retryAt());
                stopped.add(lane.partition);
            }
        }
        return stopped;
    }

    /** Whether a lane has records to apply. */
    boolean busy() {
        return lanes.values().stream().anyMatch(l -> l.backlog() > 0);
    }

    /** The partitions whose lanes have more than {@code limit} records waiting: to pause polling them. */
    Set<TopicPartition> behind(int limit) {
        Set<TopicPartition> result = new java.util.HashSet<>();
        lanes.forEach((p, l) -> {
            if (l.backlog() > limit) {
                result.add(p);
            }
        });
        return result;
    }

    /**
     * Takes the offsets applied since the last call, to commit.
     *
     * @return the next offset of each partition with newly applied records
     */
    Map<TopicPartition, OffsetAndMetadata> takeApplied() {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        for (TopicPartition p : List.copyOf(applied.keySet())) {
            Long offset = applied.remove(p);
            if (offset != null) {
                result.put(p, new OffsetAndMetadata(offset));
            }
        }
        return result;
    }

    /**
     * Stops the lanes of these partitions (each after its current record) and waits for them, so
     * the offsets {@link #takeApplied} returns next are final for them (before the partitions go to
     * another member, or the consumer closes).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void finish(Collection<TopicPartition> partitions) throws InterruptedException {
        List<Lane> stopping = new ArrayList<>();
        for (TopicPartition p : partitions) {
            Lane lane = lanes.remove(p);
            if (lane != null) {
                lane.stop();
                stopping.add(lane);
            }
        }
        long deadline = System.nanoTime() + finishTimeout.toNanos();
        for (Lane lane : stopping) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                lane.thread.join(Duration.ofNanos(left));
            }
        }
        ended.removeAll(stopping);
    }

    /** Stops and waits for every lane. */
    void finishAll() throws InterruptedException {
        finish(List.copyOf(lanes.keySet()));
    }

    /** One partition's records, applied in order on a thread of its own until none is left. */
    private final class Lane {

        private final TopicPartition partition;
        private final ArrayDeque<ConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();
        private boolean closed;
        private long retryAt = -1;
        private volatile boolean stopping;
        private Thread thread;

        Lane(TopicPartition partition) {
            this.partition = partition;
        }

        /** Appends records; false when the lane has ended (it takes no more). */
        synchronized boolean offer(List<ConsumerRecord<String, byte[]>> records) {
            if (closed) {
                return false;
            }
            queue.addAll(records);
            return true;
        }

        synchronized long retryAt() {
            return retryAt;
        }

        synchronized int backlog() {
            return queue.size();
        }

        void stop() {
            stopping = true;
        }

        /** The next record, or null (and the lane closed) when there is none or the lane stops. */
        private synchronized ConsumerRecord<String, byte[]> next() {
            ConsumerRecord<String, byte[]> r = stopping || !running.getAsBoolean() ? null : queue.poll();
            if (r == null) {
                closed = true;
                queue.clear();
            }
            return r;
        }

        /** Closes the lane at a record to retry, dropping the ones after it. */
        private synchronized void stopAt(ConsumerRecord<String, byte[]> r) {
            closed = true;
            retryAt = r.offset();
            queue.clear();
        }

        void run() {
            ConsumerRecord<String, byte[]> r = null;
            try {
                for (r = next(); r != null; r = next()) {
                    if (!applier.apply(partition, r)) {
                        stopAt(r);
                        return;
                    }
                    applied.put(partition, r.offset() + 1);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "applying the record at " + partition + "@" + r.offset()
                        + " failed, reading it again: " + e);
                stopAt(r);
            } finally {
                synchronized (this) {
                    closed = true;
                }
                ended.add(this);
            }
        }
    }
}
