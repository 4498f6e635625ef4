package io.cleave.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of every component call this process makes, shared by every invoker that calls a
 * component method: per method the calls started, and per method and {@linkplain Outcome outcome}
 * a latency histogram. A call costs one atomic add when it starts and two when it ends (its bucket
 * and the sum), and allocates nothing. Plain atomic adds rather than {@code LongAdder}s: they
 * measured the same uncontended, with less code inlined into every caller, and a method called
 * from many threads at once is rare enough. What Micrometer's Prometheus timer did per call besides (a count of
 * its own, a maximum over a rotating time window, its histogram's time window: about 110 ns per
 * call measured against this class's ~15) is left out: the count is the histogram's total, and the
 * calls in flight are the calls started less the calls ended.
 *
 * <p>Exposed as Prometheus's {@code cleave_calls_seconds} histogram (a collector of the
 * registry's own Prometheus registry, so one scrape has everything) and Micrometer's
 * {@code cleave.calls.in.flight} gauge; the dashboard reads {@link #snapshot()}.
 */
final class CallMeters implements MultiCollector {

    /** Latency buckets of the histogram, from a fast local call to a slow remote one. */
    static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    static final String NAME = "cleave_calls_seconds";
    /**
     * By a duration's bit length (0 to 64), the first bucket it can fall in. Two neighbouring
     * bounds are at least a factor of 2 apart, so a bit length's range holds at most one bound,
     * and one comparison finishes the lookup: no loop in the per-call path.
     */
    private static final int[] FIRST_BUCKET = new int[65];
    /** The bounds in nanoseconds and, last, a bound no duration exceeds (the +Inf bucket's). */
    private static final long[] LIMITS = new long[BUCKETS.length + 1];
    /** The upper bounds in seconds, the last +Inf. */
    private static final double[] BOUNDS_SECONDS = new double[BUCKETS.length + 1];
    private static final Outcome[] OUTCOMES = Outcome.values();

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            LIMITS[i] = BUCKETS[i].toNanos();
            BOUNDS_SECONDS[i] = LIMITS[i] / 1e9;
        }
        LIMITS[BUCKETS.length] = Long.MAX_VALUE;
        BOUNDS_SECONDS[BUCKETS.length] = Double.POSITIVE_INFINITY;
        for (int bits = 0; bits <= 64; bits++) {
            long smallest = bits == 0 ? 0 : 1L << (bits - 1); // the smallest duration of this bit length
            int i = 0;
            while (smallest > LIMITS[i]) {
                i++;
            }
            FIRST_BUCKET[bits] = i;
        }
    }

    private final String application;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<List<String>, Method> methods = new ConcurrentHashMap<>();

    /**
     * @param application the {@code application} label
     * @param registry where each method's in-flight gauge goes
     */
    CallMeters(String application, MeterRegistry registry) {
        this.application = application;
        this.registry = registry;
    }

    /**
     * A method's meters, made on first use (with its {@code ok} histogram, so every method shows,
     * called or not) and the same for every invoker after.
     */
    Method method(String component, String method) {
        return methods.computeIfAbsent(List.of(component, method), k -> {
            Method m = new Method(component, method);
            Gauge.builder("cleave.calls.in.flight", m, Method::inFlight)
                    .description("Calls this process made to a component method that have not ended yet")
                    .tag("component", component).tag("method", method)
                    .register(registry);
            return m;
        });
    }

    /** One component method's calls. */
    static final class Method {
        final String component;
        final String name;
        private final AtomicLong started = new AtomicLong();
        private final Histogram ok = new Histogram();
        /** By outcome ordinal; made when first needed. */
        private final AtomicReferenceArray<Histogram> byOutcome = new AtomicReferenceArray<>(OUTCOMES.length);

        private Method(String component, String name) {
            this.component = component;
            this.name = name;
            byOutcome.set(Outcome.OK.ordinal(), ok);
        }

        /** A call starts. */
        void started() {
            started.getAndIncrement();
        }

        /** A call ended so, having taken {@code nanos}. */
        void ended(Outcome outcome, long nanos) {
            (outcome == Outcome.OK ? ok : histogram(outcome)).record(nanos);
        }

        private Histogram histogram(Outcome outcome) {
            Histogram h = byOutcome.get(outcome.ordinal());
            if (h == null) {
                byOutcome.compareAndSet(outcome.ordinal(), null, new Histogram());
                h = byOutcome.get(outcome.ordinal());
            }
            return h;
        }

        /** Calls started and not ended: the ended ones are read first, so this is never below zero. */
        double inFlight() {
            long ended = 0;
            for (int i = 0; i < OUTCOMES.length; i++) {
                Histogram h = byOutcome.get(i);
                if (h != null) {
                    ended += h.count();
                }
            }
            return started.get() - ended;
        }
    }

    /** Calls by latency bucket (not cumulative; the last is over the largest bound) and their total time. */
    static final class Histogram {
        private final AtomicLongArray buckets = new AtomicLongArray(LIMITS.length);
        private final AtomicLong sumNanos = new AtomicLong();

        void record(long nanos) {
            int i = FIRST_BUCKET[64 - Long.numberOfLeadingZeros(nanos)];
            buckets.getAndIncrement(nanos > LIMITS[i] ? i + 1 : i);
            sumNanos.getAndAdd(nanos);
        }

        long count() {
            return Arrays.stream(counts()).sum();
        }

        /** The calls per bucket, the last over every bound. */
        long[] counts() {
            long[] counts = new long[buckets.length()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buckets.get(i);
            }
            return counts;
        }

        double sumSeconds() {
            return sumNanos.get() / 1e9;
        }
    }

    /** One histogram as it stands. */
    record Snapshot(String component, String method, Outcome outcome, long[] counts, double sumSeconds) {

        long count() {
            return Arrays.stream(counts).sum();
        }

        /** The upper bounds, in seconds, with the calls at or under each (cumulative), without +Inf. */
        List<double[]> cumulative() {
            List<double[]> out = new ArrayList<>(BUCKETS.length);
            long running = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                running += counts[i];
                out.add(new double[] {BOUNDS_SECONDS[i], running});
            }
            return out;
        }
    }

    /** Every histogram made so far. */
    List<Snapshot> snapshot() {
        List<Snapshot> out = new ArrayList<>();
        for (Method m : methods.values()) {
            for (int i = 0; i < OUTCOMES.length; i++) {
                Histogram h = m.byOutcome.get(i);
                if (h != null) {
                    // the sum read after the buckets: never less than the calls counted took
                    long[] counts = h.counts();
                    out.add(new Snapshot(m.component, m.name, OUTCOMES[i], counts, h.sumSeconds()));
                }
            }
        }
        return out;
    }

    @Override
    public MetricSnapshots collect() {
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
        for (Snapshot s : snapshot()) {
            points.add(new HistogramSnapshot.HistogramDataPointSnapshot(ClassicHistogramBuckets.of(BOUNDS_SECONDS, s.counts()),
                    s.sumSeconds(), Labels.of("application", application, "component", s.component(), "method", s.method(),
                            "outcome", s.outcome().label), Exemplars.EMPTY, 0L));
        }
        return new MetricSnapshots(new HistogramSnapshot(new MetricMetadata(NAME,
                "Calls this process made to a component method, by how they ended"), points));
    }
}
