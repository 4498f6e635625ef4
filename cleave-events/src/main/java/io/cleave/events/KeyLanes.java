package io.cleave.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer's records being applied: one lane per partition and key, a thread that applies
 * the key's records in offset order (retrying one that fails, its later ones waiting behind it),
 * while the consumer's thread goes on polling. So a slow or failing record holds back only its
 * key: the other keys of its partition go on, as do the other partitions.
 *
 * <p>Only the consumer's thread calls the methods; the lanes only apply. A record is
 * <em>outstanding</em> from when it is handed to its lane until it is done with (applied, or set
 * aside as a dead letter). The offset of a partition that counts as applied, the one to commit,
 * is its lowest outstanding offset, or the one after the last record handed out when none is
 * outstanding: every record before it was applied, so offsets are committed only after their
 * records were. Records after it that were applied already are delivered again after a crash or
 * a rebalance, and absorbed by the inbox.
 */
final class KeyLanes {

    /** Tries to apply one record in its key's lane. */
    @FunctionalInterface
    interface Applier {
        /**
         * Tries a record once.
         *
         * @return empty when the record is done with (applied, or set aside as a dead letter);
         *     else how long to wait before trying it again
         */
        Optional<Duration> apply(TopicPartition partition, ConsumerRecord<String, byte[]> record);
    }

    private static final System.Logger LOG = System.getLogger("cleave.events");
    /**
     * Records applied at once, each of a different key: enough to overlap the subscribers'
     * commits, few enough that they do not wait long for the component's connection pool (a wait
     * that timed out would count as a failure of the subscriber).
     */
    private static final int PARALLEL = 16;

    private final Applier applier;
    private final BooleanSupplier running;
    private final Duration finishTimeout;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    private final Queue<Lane> ended = new ConcurrentLinkedQueue<>();
    private final Semaphore applying = new Semaphore(PARALLEL);

    /** A lane's identity: a key of a partition (records without a key share the empty one). */
    private record LaneKey(TopicPartition partition, String key) {
    }

    /** What is handed out of a partition: the offsets outstanding, the next one, the last committed. */
    private static final class Partition {
        final ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
        long next = -1;
        long committed = -1;

        /** The offset every record before which was applied, or -1 if none was handed out. */
        long applied() {
            Long lowest = outstanding.ceiling(Long.MIN_VALUE);
            return lowest != null ? lowest : next;
        }
    }

    /**
     * @param applier tries to apply a record
     * @param running false when the consumer stops: the lanes stop after their current try
     * @param finishTimeout the longest {@link #finish} waits for a lane's current try
     */
    KeyLanes(Applier applier, BooleanSupplier running, Duration finishTimeout) {
        this.applier = applier;
        this.running = running;
        this.finishTimeout = finishTimeout;
    }

    /** Hands each record to its key's lane, starting one where none runs. */
    void dispatch(ConsumerRecords<String, byte[]> records) {
        forgetEnded();
        for (TopicPartition p : records.partitions()) {
            Partition partition = partitions.computeIfAbsent(p, k -> new Partition());
            for (ConsumerRecord<String, byte[]> r : records.records(p)) {
                partition.outstanding.add(r.offset());
                partition.next = r.offset() + 1;
                dispatch(new LaneKey(p, r.key() == null ? "" : r.key()), partition, r);
            }
        }
    }

    private void dispatch(LaneKey key, Partition partition, ConsumerRecord<String, byte[]> r) {
        Lane lane = lanes.get(key);
        if (lane != null && lane.offer(r)) {
            return;
        }
        Lane started = new Lane(key, partition);
        started.offer(r);
        lanes.put(key, started);
        started.thread = Thread.ofVirtual().name("cleave-events-kafka-lane-" + key.partition()).start(started::run);
    }

    /** Forgets the lanes that ended (a key's next record starts a new one). */
    private void forgetEnded() {
        for (Lane lane = ended.poll(); lane != null; lane = ended.poll()) {
            lanes.remove(lane.key, lane);
        }
    }

    /** Whether records are outstanding: applied offsets to commit soon, partitions to resume. */
    boolean busy() {
        return partitions.values().stream().anyMatch(p -> !p.outstanding.isEmpty());
    }

    /** @return the records handed out and not done with yet, in every partition */
    int outstanding() {
        return partitions.values().stream().mapToInt(p -> p.outstanding.size()).sum();
    }

    /** The partitions with more than {@code limit} records outstanding: to pause polling them. */
    Set<TopicPartition> behind(int limit) {
        Set<TopicPartition> result = new HashSet<>();
        partitions.forEach((p, state) -> {
            if (state.outstanding.size() > limit) {
                result.add(p);
            }
        });
        return result;
    }

    /**
     * Takes the applied offsets that moved since the last call, to commit.
     *
     * @return the offset of each partition every record before which was applied
     */
    Map<TopicPartition, OffsetAndMetadata> takeApplied() {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        partitions.forEach((p, state) -> {
            long applied = state.applied();
            if (applied > state.committed) {
                state.committed = applied;
                result.put(p, new OffsetAndMetadata(applied));
            }
        });
        return result;
    }

    /** Takes back offsets whose commit failed, so that the next {@link #takeApplied} returns them again. */
    void commitFailed(Collection<TopicPartition> failed) {
        failed.forEach(p -> {
            Partition state = partitions.get(p);
            if (state != null) {
                state.committed = -1;
            }
        });
    }

    /**
     * Stops the lanes of these partitions (each after its current try) and waits for them; the
     * next {@link #takeApplied} returns their final offsets, and then they are forgotten (before
     * the partitions go to another member, or the consumer closes).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void finish(Collection<TopicPartition> finished) throws InterruptedException {
        List<Lane> stopping = new ArrayList<>();
        lanes.values().removeIf(lane -> {
            if (finished.contains(lane.key.partition())) {
                lane.stop();
                stopping.add(lane);
                return true;
            }
            return false;
        });
        long deadline = System.nanoTime() + finishTimeout.toNanos();
        for (Lane lane : stopping) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                lane.thread.join(Duration.ofNanos(left));
            }
        }
        ended.removeAll(stopping);
    }

    /** Forgets the partitions (after {@link #finish} and a last commit). */
    void forget(Collection<TopicPartition> forgotten) {
        partitions.keySet().removeAll(forgotten);
    }

    /** Stops and waits for every lane. */
    void finishAll() throws InterruptedException {
        finish(List.copyOf(partitions.keySet()));
    }

    /** One key's records, applied in order on a thread of their own until none is left. */
    private final class Lane {

        private final LaneKey key;
        private final Partition partition;
        private final ArrayDeque<ConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();
        private boolean closed;
        private boolean stopping;
        private Thread thread;

        Lane(LaneKey key, Partition partition) {
            this.key = key;
            this.partition = partition;
        }

        /** Appends a record; false when the lane has ended (it takes no more). */
        synchronized boolean offer(ConsumerRecord<String, byte[]> r) {
            if (closed) {
                return false;
            }
            queue.add(r);
            return true;
        }

        synchronized void stop() {
            stopping = true;
            notifyAll();
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

        /**
         * Waits before a retry; false if the lane stops meanwhile. Not ended by an interrupt (nothing
         * interrupts a lane): a lane ends only when its key has nothing left or its partition is
         * finished, so that a key never has two lanes.
         */
        private synchronized boolean pause(Duration pause) {
            long deadline = System.nanoTime() + pause.toNanos();
            for (long left = pause.toNanos(); left > 0 && !stopping && running.getAsBoolean();
                    left = deadline - System.nanoTime()) {
                try {
                    wait(Math.max(1, Math.min(left / 1_000_000, 100)));
                } catch (InterruptedException e) {
                    // see above: the deadline and the stop flags end the wait
                }
            }
            return !stopping && running.getAsBoolean();
        }

        void run() {
            try {
                for (ConsumerRecord<String, byte[]> r = next(); r != null; r = next()) {
                    if (!applyUntilDone(r)) {
                        return; // stopping: the record stays outstanding, delivered again to whoever reads next
                    }
                    partition.outstanding.remove(r.offset());
                }
            } finally {
                synchronized (this) {
                    closed = true;
                }
                ended.add(this);
            }
        }

        /** Tries a record until it is done with; false if the lane stops first. */
        private boolean applyUntilDone(ConsumerRecord<String, byte[]> r) {
            for (Optional<Duration> again = tryOnce(r); again.isPresent(); again = tryOnce(r)) {
                if (!pause(again.get())) {
                    return false;
                }
            }
            return true;
        }

        /** Tries a record once; one whose handling failed unexpectedly (its store down) is tried again a second later. */
        private Optional<Duration> tryOnce(ConsumerRecord<String, byte[]> r) {
            applying.acquireUninterruptibly();
            try {
                return applier.apply(key.partition(), r);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "applying the record at " + key.partition() + "@" + r.offset()
                        + " failed, trying it again in 1 s: " + e);
                return Optional.of(Duration.ofSeconds(1));
            } finally {
                applying.release();
            }
        }
    }
}
