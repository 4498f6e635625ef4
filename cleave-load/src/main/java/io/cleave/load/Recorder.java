package io.cleave.load;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Counts and latencies of one event loop, in total, per step and per second of the run. Each
 * finished second leaves as a {@link Sample}. Not thread-safe: the event loop owns it.
 */
final class Recorder {

    /** Latencies are recorded in microseconds, up to an hour, to three significant digits. */
    static final long HIGHEST_MICROS = 3_600_000_000L;

    static Histogram histogram() {
        return new Histogram(1, HIGHEST_MICROS, 3);
    }

    static long micros(long nanos) {
        return Math.max(0, Math.min(HIGHEST_MICROS, nanos / 1000));
    }

    /** One second of one event loop. The histogram is a copy the receiver may keep. */
    record Sample(int worker, long second, long sent, long responses, long errors, Map<String, Long> errorsByKind,
            Histogram latency) {}

    /** Everything one event loop recorded, when it is done. */
    record Totals(int worker, long sent, long responses, long errors, Map<String, Long> errorsByKind, Histogram latency,
            Histogram serviceTime, Histogram lag, long[] stepRequests, long[] stepErrors, Histogram[] stepLatency, long sessionsStarted,
            long sessionsCompleted, long sessionsFailed, long lastCompletionNanos) {}

    private final int worker;
    private final long start;
    private final Consumer<Object> out;

    private final Histogram latency = histogram();
    private final Histogram serviceTime = histogram();
    private final Histogram lag = histogram();
    private final long[] stepRequests;
    private final long[] stepErrors;
    private final Histogram[] stepLatency;
    private final Map<String, Long> errorsByKind = new HashMap<>();
    private long sent;
    private long responses;
    private long errors;
    private long lastCompletion = Long.MIN_VALUE;

    private long second;
    private final Histogram secondLatency = histogram();
    private Map<String, Long> secondErrorsByKind = new HashMap<>();
    private long secondSent;
    private long secondResponses;
    private long secondErrors;

    long sessionsStarted;
    long sessionsCompleted;
    long sessionsFailed;

    Recorder(int worker, long start, int steps, Consumer<Object> out) {
        this.worker = worker;
        this.start = start;
        this.out = out;
        this.stepRequests = new long[steps];
        this.stepErrors = new long[steps];
        this.stepLatency = new Histogram[steps];
        for (int i = 0; i < steps; i++) {
            stepLatency[i] = histogram();
        }
    }

    /** A request was started {@code now}; it was due at {@code intendedAt}. */
    void sent(long now, long intendedAt) {
        roll(now);
        lag.recordValue(micros(now - intendedAt));
        sent++;
        secondSent++;
    }

    /**
     * A response arrived.
     *
     * @param errorKind null if it counts as success
     */
    void response(long now, Step step, long latencyNanos, long serviceNanos, String errorKind) {
        roll(now);
        long micros = micros(latencyNanos);
        latency.recordValue(micros);
        serviceTime.recordValue(micros(serviceNanos));
        secondLatency.recordValue(micros);
        stepLatency[step.id()].recordValue(micros);
        stepRequests[step.id()]++;
        responses++;
        secondResponses++;
        lastCompletion = now;
        if (errorKind != null) {
            error(step, errorKind);
        }
    }

    /** The request ended without a response. */
    void failure(long now, Step step, String errorKind) {
        roll(now);
        stepRequests[step.id()]++;
        lastCompletion = now;
        error(step, errorKind);
    }

    private void error(Step step, String kind) {
        errors++;
        secondErrors++;
        stepErrors[step.id()]++;
        errorsByKind.merge(kind, 1L, Long::sum);
        secondErrorsByKind.merge(kind, 1L, Long::sum);
    }

    /** Sends out every second that ended before {@code now}. */
    void roll(long now) {
        long current = Math.max(0, (now - start) / 1_000_000_000L);
        while (second < current) {
            emitSecond();
        }
    }

    /** Sends out the seconds up to and including the one {@code now} is in, then the totals. */
    void finish(long now) {
        roll(now);
        if (second == 0 || secondSent + secondResponses + secondErrors > 0) {
            emitSecond(); // the last, partial second, unless nothing happened in it
        }
        out.accept(new Totals(worker, sent, responses, errors, Map.copyOf(errorsByKind), latency, serviceTime, lag,
                stepRequests.clone(), stepErrors.clone(), stepLatency.clone(), sessionsStarted, sessionsCompleted,
                sessionsFailed, lastCompletion == Long.MIN_VALUE ? now - start : lastCompletion - start));
    }

    private void emitSecond() {
        out.accept(new Sample(worker, second, secondSent, secondResponses, secondErrors, Map.copyOf(secondErrorsByKind),
                secondLatency.copy()));
        second++;
        secondLatency.reset();
        secondErrorsByKind = new HashMap<>();
        secondSent = 0;
        secondResponses = 0;
        secondErrors = 0;
    }
}
