package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The call histogram's buckets (Prometheus's {@code le}: at or under the bound) and the calls in flight. */
class CallMetersTest {

    @Test
    void eachDurationCountsInTheFirstBucketWhoseBoundItDoesNotExceed() {
        CallMeters meters = new CallMeters("app", new SimpleMeterRegistry());
        CallMeters.Method m = meters.method("Back", "echo");
        long[] durations = new long[CallMeters.BUCKETS.length * 2 + 3];
        int n = 0;
        durations[n++] = 0;
        for (Duration bound : CallMeters.BUCKETS) {
            durations[n++] = bound.toNanos();     // on the bound: in its bucket
            durations[n++] = bound.toNanos() + 1; // just over: in the next one
        }
        durations[n++] = Long.MAX_VALUE;
        durations[n++] = 1;
        for (int i = 0; i < n; i++) {
            m.started();
            m.ended(Outcome.OK, durations[i]);
        }

        CallMeters.Snapshot ok = meters.snapshot().stream().filter(s -> s.outcome() == Outcome.OK).findFirst().orElseThrow();
        long[] expected = new long[CallMeters.BUCKETS.length + 1];
        for (int i = 0; i < n; i++) {
            int bucket = 0;
            while (bucket < CallMeters.BUCKETS.length && durations[i] > CallMeters.BUCKETS[bucket].toNanos()) {
                bucket++;
            }
            expected[bucket]++;
        }
        assertThat(ok.counts()).containsExactly(expected);
        assertThat(ok.counts()[0]).as("0 ns, 1 ns and 100 µs").isEqualTo(3);
        assertThat(ok.counts()[CallMeters.BUCKETS.length]).as("over 30 s").isEqualTo(2);
        assertThat(ok.count()).isEqualTo(n);
    }

    @Test
    void theCallsInFlightAreTheCallsStartedLessTheCallsEndedHoweverTheyEnded() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CallMeters meters = new CallMeters("app", registry);
        CallMeters.Method m = meters.method("Back", "echo");
        for (int i = 0; i < 5; i++) {
            m.started();
        }
        m.ended(Outcome.OK, 10);
        m.ended(Outcome.TIMEOUT, 10);
        m.ended(Outcome.DECLARED, 10);

        assertThat(registry.get("cleave.calls.in.flight").tag("component", "Back").tag("method", "echo").gauge().value())
                .isEqualTo(2.0);
        assertThat(meters.method("Back", "echo")).as("one set of meters per method").isSameAs(m);
        assertThat(meters.snapshot()).extracting(CallMeters.Snapshot::outcome)
                .containsExactlyInAnyOrderElementsOf(List.of(Outcome.OK, Outcome.TIMEOUT, Outcome.DECLARED));
    }
}
