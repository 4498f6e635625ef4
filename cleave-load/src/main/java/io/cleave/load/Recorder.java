package io.cleave.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

    /**
     * One second of one event loop. The histograms are copies the receiver may keep: every
     * response's latency, and that of the responses that counted as a success.
     */
    record Sample(int worker, long second, long sent, long responses, long errors, Map<String, Long> errorsByKind,
            Histogram latency, Histogram okLatency) {}

    /**
     * One phase of the profile in one event loop, by when its requests were due: the latency of
     * the responses that counted as a success, of those that did not (an unexpected status, such
     * as a shed request's 503), and how many requests ended without a response.
     */
    record PhaseTotals(Histogram ok, Histogram errorResponses, long failures) {}

    /** Everything one event loop recorded, when it is done. */
    record Totals(int worker, long sent, long responses, long errors, Map<String, Long> errorsByKind, Histogram latency,
            Histogram serviceTime, Histogram lag, long[] stepRequests, long[] stepErrors, Histogram[] stepLatency, long sessionsStarted,
            long sessionsCompleted, long sessionsFailed, long lastCompletionNanos, List<PhaseTotals> phases) {}

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
    private final long[] phaseEnds;
    private final Histogram[] phaseOk;
    private final Histogram[] phaseErrorResponses;
    private final long[] phaseFailures;

    private long second;
    private final Histogram secondLatency = histogram();
    private final Histogram secondOkLatency = histogram();
    private Map<String, Long> secondErrorsByKind = new HashMap<>();
    private long secondSent;
    private long secondResponses;
    private long secondErrors;

    long sessionsStarted;
    long sessionsCompleted;
    long sessionsFailed;

    /**
     * @param phaseEnds when each phase of the profile ends, in nanoseconds from {@code start}
     */
    Recorder(int worker, long start, int steps, long[] phaseEnds, Consumer<Object> out) {
        this.worker = worker;
        this.start = start;
        this.out = out;
        this.phaseEnds = phaseEnds.clone();
        this.phaseOk = new Histogram[phaseEnds.length];
        this.phaseErrorResponses = new Histogram[phaseEnds.length];
        this.phaseFailures = new long[phaseEnds.length];
        for (int i = 0; i < phaseEnds.length; i++) {
            phaseOk[i] = histogram();
            phaseErrorResponses[i] = histogram();
        }
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
        int phase = phase(now - latencyNanos);
        if (errorKind == null) {
            secondOkLatency.recordValue(micros);
            phaseOk[phase].recordValue(micros);
        } else {
            phaseErrorResponses[phase].recordValue(micros);
        }
        stepLatency[step.id()].recordValue(micros);
        stepRequests[step.id()]++;
        responses++;
        secondResponses++;
        lastCompletion = now;
        if (errorKind != null) {
            error(step, errorKind);
        }
    }

    /** The request, due at {@code intendedAt}, ended without a response. */
    void failure(long now, long intendedAt, Step step, String errorKind) {
        roll(now);
        phaseFailures[phase(intendedAt)]++;
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

    /** The phase a request due at {@code intendedAt} belongs to (the last one for any later). */
    private int phase(long intendedAt) {
        long offset = intendedAt - start;
        for (int i = 0; i < phaseEnds.length - 1; i++) {
            if (offset < phaseEnds[i]) {
                return i;
            }
        }
        return phaseEnds.length - 1;
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
        List<PhaseTotals> phases = new ArrayList<>();
        for (int i = 0; i < phaseEnds.length; i++) {
            phases.add(new PhaseTotals(phaseOk[i], phaseErrorResponses[i], phaseFailures[i]));
        }
        out.accept(new Totals(worker, sent, responses, errors, Map.copyOf(errorsByKind), latency, serviceTime, lag,
                stepRequests.clone(), stepErrors.clone(), stepLatency.clone(), sessionsStarted, sessionsCompleted,
                sessionsFailed, lastCompletion == Long.MIN_VALUE ? now - start : lastCompletion - start, List.copyOf(phases)));
    }

    private void emitSecond() {
        out.accept(new Sample(worker, second, secondSent, secondResponses, secondErrors, Map.copyOf(secondErrorsByKind),
                secondLatency.copy(), secondOkLatency.copy()));
        second++;
        secondLatency.reset();
        secondOkLatency.reset();
        secondErrorsByKind = new HashMap<>();
        secondSent = 0;
        secondResponses = 0;
        secondErrors = 0;
    }
}
