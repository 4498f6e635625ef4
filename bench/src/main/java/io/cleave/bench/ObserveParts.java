package io.cleave.bench;

import io.cleave.CallContext;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The parts of an observed local call ({@link ObserveBench}), each alone, to say where its time
 * goes: the Micrometer Prometheus timer with the histogram's 16 buckets (as cleave-observe
 * configures it), two clock reads, the sampling decision's lookups (OpenTelemetry's current span,
 * the {@code CallContext}, a thread-local counter) and the in-flight count's increment and
 * decrement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObserveParts {
    private Timer timer;
    private final AtomicInteger counter = new AtomicInteger();
    private static final ThreadLocal<int[]> TL = ThreadLocal.withInitial(() -> new int[1]);

    /** Creates the benchmark state; JMH calls this. */
    public ObserveParts() {
    }

    /** A Prometheus registry's timer with cleave-observe's buckets. */
    @Setup
    public void setUp() {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Duration[] b = {
            Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
        timer = Timer.builder("x").serviceLevelObjectives(b).register(r);
    }

    /** Records one duration in the timer. */
    @Benchmark
    public void timerRecord() {
        timer.record(137, TimeUnit.NANOSECONDS);
    }

    /** @return the two clock reads of a timed call */
    @Benchmark
    public long nanoTimeTwice() {
        return System.nanoTime() - System.nanoTime();
    }

    /** @return whether a span is current (OpenTelemetry's thread-local context) */
    @Benchmark
    public boolean spanCurrent() {
        return Span.current().getSpanContext().isValid();
    }

    /** @return whether the call context carries a trace id */
    @Benchmark
    public boolean callContext() {
        return CallContext.current().traceId().isPresent();
    }

    /** @return the untraced-call counter's thread-local, raised */
    @Benchmark
    public int threadLocal() {
        return TL.get()[0]++;
    }

    /** @return the in-flight count raised and lowered */
    @Benchmark
    public int inFlight() {
        counter.incrementAndGet();
        return counter.decrementAndGet();
    }
}
