package io.cleave.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a load test measured. Latencies are in milliseconds and, unless said otherwise, measured
 * from each request's intended start, so they include any time spent waiting for a connection
 * or behind a stalled one. Errors are counted by kind: {@code connect}, {@code timeout},
 * {@code closed} (the connection closed before the response), {@code invalid response},
 * {@code status NNN} (a status the step does not expect) and {@code extract: ...} (a value to
 * extract was missing from the response).
 *
 * @param target the URL the load went to
 * @param scenario the scenario's name
 * @param profile the profile, described
 * @param startedAt when the first request was due, ISO-8601
 * @param elapsedSeconds from the start to the last outcome
 * @param scheduled requests the profile asked for (bounded by the request limit)
 * @param sent requests started
 * @param responses responses received, whatever their status
 * @param errors requests that failed, whatever the kind
 * @param targetRate requests per second the profile asked for, on average
 * @param achievedRate responses per second, on average over the elapsed time
 * @param errorsByKind failed requests by kind
 * @param latency latency from the intended start, of requests that got a response
 * @param serviceTime latency from when the request was actually written to a connection: what a
 *     closed-loop tool reports; the difference to {@code latency} is queueing the target caused
 * @param generatorLag how late this process started requests after their intended start (it is
 *     part of {@code latency}); if it is large, the load generator itself was short of CPU
 * @param sessions runs through flows
 * @param steps per step of the scenario
 * @param series per second of the run
 * @param phases per phase of the profile (one for steady and ramp; warm, spike and cool for a
 *     spike), each request counted in the phase it was due in
 */
public record LoadResult(
        String target,
        String scenario,
        String profile,
        String startedAt,
        double elapsedSeconds,
        long scheduled,
        long sent,
        long responses,
        long errors,
        double targetRate,
        double achievedRate,
        Map<String, Long> errorsByKind,
        Latency latency,
        Latency serviceTime,
        Latency generatorLag,
        Sessions sessions,
        List<StepResult> steps,
        List<Second> series,
        List<Phase> phases) {

    /**
     * Latency percentiles in milliseconds.
     *
     * @param count how many latencies
     * @param p50 median
     * @param p90 90th percentile
     * @param p99 99th percentile
     * @param p999 99.9th percentile
     * @param max largest
     * @param mean average
     */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {}

    /**
     * Runs through flows.
     *
     * @param started sessions begun
     * @param completed sessions whose every step succeeded
     * @param failed sessions ended by a failed step
     * @param unfinished sessions still going when the run ended
     */
    public record Sessions(long started, long completed, long failed, long unfinished) {}

    /**
     * One step of the scenario.
     *
     * @param flow the flow's name
     * @param step the step's name
     * @param requests requests sent for this step that ended (in a response or an error)
     * @param errors of those, how many failed
     * @param latency latency of those that got a response
     */
    public record StepResult(String flow, String step, long requests, long errors, Latency latency) {}

    /**
     * One second of the run.
     *
     * @param second from 0
     * @param target requests the profile scheduled in this second
     * @param sent requests started in this second
     * @param responses responses received in this second
     * @param errors requests failed in this second
     * @param errorsByKind the same by kind
     * @param p50 median latency of this second's responses
     * @param p90 90th percentile of the same
     * @param p99 99th percentile of the same
     * @param max largest of the same
     * @param okP99 99th percentile of this second's responses that counted as a success
     */
    public record Second(long second, long target, long sent, long responses, long errors, Map<String, Long> errorsByKind,
            double p50, double p90, double p99, double max, double okP99) {}

    /**
     * One phase of the profile, its requests counted by when they were due, so a spike's
     * requests answered after it ended still count as the spike's.
     *
     * @param name {@code steady}, {@code ramp}, {@code warm}, {@code spike} or {@code cool}
     * @param fromSecond when it starts, seconds from the start of the run
     * @param toSecond when it ends
     * @param ok latency of the responses that counted as a success (the admitted requests)
     * @param errorResponses latency of the responses with a status the step does not expect, or
     *     whose value to extract was missing — a shed request's fast {@code 503} or {@code 429}
     *     is one
     * @param failures requests that ended without a response (timeout, refused, closed)
     */
    public record Phase(String name, double fromSecond, double toSecond, Latency ok, Latency errorResponses, long failures) {}

    /**
     * The result as a table for a terminal: requests, rates, errors by kind, latency percentiles
     * and one line per step.
     *
     * @return the table, lines separated by {@code \n}
     */
    public String summary() {
        return Report.text(this);
    }

    /**
     * The result as JSON: these same fields, with the per-second series.
     *
     * @return the JSON document
     */
    public String toJson() {
        return Report.json(this);
    }

    /**
     * The result as one self-contained HTML page with charts of throughput, latency percentiles
     * and errors over time. It loads nothing from the network.
     *
     * @return the page
     */
    public String toHtml() {
        return Report.html(this);
    }

    /**
     * Writes {@link #toJson()} to a file, replacing it whole or not at all.
     *
     * @param file where
     * @throws IOException if it cannot be written
     */
    public void writeJson(Path file) throws IOException {
        Report.write(file, toJson());
    }

    /**
     * Writes {@link #toHtml()} to a file, replacing it whole or not at all.
     *
     * @param file where
     * @throws IOException if it cannot be written
     */
    public void writeHtml(Path file) throws IOException {
        Report.write(file, toHtml());
    }

    static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    static Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new Latency(h.getTotalCount(), millis(h, 50), millis(h, 90), millis(h, 99), millis(h, 99.9),
                h.getMaxValue() / 1000.0, h.getMean() / 1000.0);
    }

    static LoadResult of(String target, Scenario scenario, Profile profile, Schedule schedule, Instant startedAt,
            List<Recorder.Totals> totals, List<Second> series) {
        Histogram latency = Recorder.histogram();
        Histogram serviceTime = Recorder.histogram();
        Histogram lag = Recorder.histogram();
        List<Step> steps = scenario.steps();
        Histogram[] stepLatency = new Histogram[steps.size()];
        long[] stepRequests = new long[steps.size()];
        long[] stepErrors = new long[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            stepLatency[i] = Recorder.histogram();
        }
        long sent = 0;
        long responses = 0;
        long errors = 0;
        long started = 0;
        long completed = 0;
        long failed = 0;
        long elapsedNanos = 0;
        Map<String, Long> errorsByKind = new TreeMap<>();
        List<Profile.Segment> segments = schedule.segments();
        Histogram[] phaseOk = new Histogram[segments.size()];
        Histogram[] phaseErrors = new Histogram[segments.size()];
        long[] phaseFailures = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            phaseOk[i] = Recorder.histogram();
            phaseErrors[i] = Recorder.histogram();
        }
        for (Recorder.Totals t : totals) {
            latency.add(t.latency());
            serviceTime.add(t.serviceTime());
            lag.add(t.lag());
            for (int i = 0; i < steps.size(); i++) {
                stepLatency[i].add(t.stepLatency()[i]);
                stepRequests[i] += t.stepRequests()[i];
                stepErrors[i] += t.stepErrors()[i];
            }
            sent += t.sent();
            responses += t.responses();
            errors += t.errors();
            started += t.sessionsStarted();
            completed += t.sessionsCompleted();
            failed += t.sessionsFailed();
            elapsedNanos = Math.max(elapsedNanos, t.lastCompletionNanos());
            t.errorsByKind().forEach((kind, n) -> errorsByKind.merge(kind, n, Long::sum));
            for (int i = 0; i < segments.size(); i++) {
                phaseOk[i].add(t.phases().get(i).ok());
                phaseErrors[i].add(t.phases().get(i).errorResponses());
                phaseFailures[i] += t.phases().get(i).failures();
            }
        }
        List<Phase> phases = new ArrayList<>();
        long phaseStart = 0;
        for (int i = 0; i < segments.size(); i++) {
            Profile.Segment segment = segments.get(i);
            if (segment.nanos() > 0) {
                phases.add(new Phase(segment.name(), phaseStart / 1e9, (phaseStart + segment.nanos()) / 1e9,
                        latency(phaseOk[i]), latency(phaseErrors[i]), phaseFailures[i]));
            }
            phaseStart += segment.nanos();
        }
        List<StepResult> stepResults = new ArrayList<>();
        for (Step step : steps) {
            stepResults.add(new StepResult(step.flow(), step.name(), stepRequests[step.id()], stepErrors[step.id()],
                    latency(stepLatency[step.id()])));
        }
        double elapsed = Math.max(elapsedNanos, 1) / 1e9;
        return new LoadResult(target, scenario.name(), profile.describe(), startedAt.toString(), elapsed,
                schedule.count(), sent, responses, errors, schedule.averageRate(), responses / elapsed,
                errorsByKind, latency(latency), latency(serviceTime), latency(lag),
                new Sessions(started, completed, failed, started - completed - failed), stepResults, List.copyOf(series),
                List.copyOf(phases));
    }
}
