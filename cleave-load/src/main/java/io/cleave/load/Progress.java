package io.cleave.load;

import java.util.Locale;

/**
 * What happened in one second of a run, reported while it runs.
 *
 * @param second which second, from 0 (the first second of the run)
 * @param target requests the profile scheduled in this second
 * @param sent requests sent in this second
 * @param responses responses received in this second
 * @param errors requests that failed in this second, whatever the kind
 * @param p50Millis median latency of this second's responses, from their intended start
 * @param p99Millis 99th percentile of the same
 * @param totalSent requests sent so far
 * @param totalErrors failed requests so far
 */
public record Progress(long second, long target, long sent, long responses, long errors, double p50Millis,
        double p99Millis, long totalSent, long totalErrors) {

    /**
     * The progress as one line for a terminal, such as
     * {@code [  5s] 20000 req/s (target 20000/s)  errors 0 (total 0)  p50 0.09 ms  p99 0.41 ms}.
     *
     * @return the line, without a line break
     */
    public String line() {
        return String.format(Locale.ROOT, "[%4ds] %7d req/s (target %d/s)  errors %d (total %d)  p50 %s  p99 %s",
                second + 1, responses, target, errors, totalErrors,
                responses == 0 ? "-" : Format.millis(p50Millis), responses == 0 ? "-" : Format.millis(p99Millis));
    }
}
