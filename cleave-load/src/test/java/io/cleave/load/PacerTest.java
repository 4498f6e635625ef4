package io.cleave.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule and the pacer, driven by an injected clock: exact, no real time involved. */
class PacerTest {

    private static final long START = 7_000_000_000L;
    private static final long MS = 1_000_000L;

    private final List<Long> indexes = new ArrayList<>();
    private final List<Long> intended = new ArrayList<>();
    private final Pacer.Sink sink = (index, intendedAt) -> {
        indexes.add(index);
        intended.add(intendedAt);
    };

    @Test
    void steadyRateReleasesEachRequestAtItsIntendedTimeAndNotBefore() {
        Pacer pacer = new Pacer(new Schedule(Profile.steady(1000, Duration.ofSeconds(1)), Long.MAX_VALUE), START, 0, 1);

        int beforeStart = pacer.release(START - 1, 10_000, sink);
        int atStart = pacer.release(START, 10_000, sink);
        int justBeforeSecond = pacer.release(START + MS - 1, 10_000, sink);
        int atSecond = pacer.release(START + MS, 10_000, sink);

        assertThat(beforeStart).isZero();
        assertThat(atStart).isEqualTo(1);
        assertThat(justBeforeSecond).isZero();
        assertThat(atSecond).isEqualTo(1);
        assertThat(intended).containsExactly(START, START + MS);
        assertThat(pacer.nextDueAt()).isEqualTo(START + 2 * MS);
    }

    @Test
    void lateCallerGetsEveryOverdueRequestEachWithItsOwnIntendedTime() {
        Pacer pacer = new Pacer(new Schedule(Profile.steady(1000, Duration.ofSeconds(1)), Long.MAX_VALUE), START, 0, 1);

        int released = pacer.release(START + 250 * MS, 10_000, sink);

        assertThat(released).isEqualTo(251);
        for (int n = 0; n <= 250; n++) {
            assertThat(intended.get(n)).isEqualTo(START + n * MS);
        }
    }

    @Test
    void releasesAtMostTheLimitPerCallAndKeepsTheRestDue() {
        Pacer pacer = new Pacer(new Schedule(Profile.steady(1000, Duration.ofSeconds(1)), Long.MAX_VALUE), START, 0, 1);

        int first = pacer.release(START + 99 * MS, 40, sink);
        int rest = pacer.release(START + 99 * MS, 1000, sink);

        assertThat(first).isEqualTo(40);
        assertThat(rest).isEqualTo(60);
        assertThat(indexes).hasSize(100).doesNotHaveDuplicates();
    }

    @Test
    void steadyRunSendsRateTimesDurationAndThenIsExhausted() {
        Pacer pacer = new Pacer(new Schedule(Profile.steady(1000, Duration.ofSeconds(2)), Long.MAX_VALUE), START, 0, 1);

        int released = pacer.release(START + 3_000 * MS, 1_000_000, sink);

        assertThat(released).isEqualTo(2000);
        assertThat(pacer.exhausted()).isTrue();
        assertThat(intended.getLast()).isEqualTo(START + 1999 * MS);
    }

    @Test
    void maxRequestsEndsTheRunBeforeTheProfileDoes() {
        Pacer pacer = new Pacer(new Schedule(Profile.steady(1000, Duration.ofSeconds(2)), 150), START, 0, 1);

        int released = pacer.release(START + 3_000 * MS, 1_000_000, sink);

        assertThat(released).isEqualTo(150);
        assertThat(pacer.exhausted()).isTrue();
    }

    @Test
    void rampSpacesRequestsByTheIntegralOfALinearRate() {
        // 0 -> 1000/s over 10 s: N(t) = 50 t^2, so 5000 in all and 1250 in the first 5 s
        Schedule schedule = new Schedule(Profile.ramp(0, 1000, Duration.ofSeconds(10)), Long.MAX_VALUE);

        assertThat(schedule.count()).isEqualTo(5000);
        assertThat(schedule.countBefore(5_000 * MS)).isEqualTo(1250);
        assertThat(schedule.intendedNanos(0)).isZero();
        assertThat(schedule.intendedNanos(1250)).isEqualTo(5_000 * MS);
        assertThat(schedule.intendedNanos(50)).isEqualTo(1_000 * MS);
    }

    @Test
    void spikeMultipliesTheRateOnlyDuringTheSpike() {
        Profile spike = Profile.spike(100, 10, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2));
        Pacer pacer = new Pacer(new Schedule(spike, Long.MAX_VALUE), START, 0, 1);

        int warm = pacer.release(START + 2_000 * MS - 1, 1_000_000, sink);
        int during = pacer.release(START + 3_000 * MS - 1, 1_000_000, sink);
        int cool = pacer.release(START + 5_000 * MS, 1_000_000, sink);

        assertThat(warm).isEqualTo(200);
        assertThat(during).isEqualTo(1000);
        assertThat(cool).isEqualTo(200);
        assertThat(intended.get(200)).isEqualTo(START + 2_000 * MS);
        assertThat(intended.get(201)).isEqualTo(START + 2_001 * MS);
        assertThat(pacer.exhausted()).isTrue();
    }

    @Test
    void pacersWithAStrideShareOneScheduleWithoutOverlapOrGap() {
        Schedule schedule = new Schedule(Profile.steady(1000, Duration.ofMillis(100)), Long.MAX_VALUE);
        Pacer even = new Pacer(schedule, START, 0, 2);
        Pacer odd = new Pacer(schedule, START, 1, 2);

        even.release(START + 1_000 * MS, 1000, sink);
        odd.release(START + 1_000 * MS, 1000, sink);

        assertThat(indexes).hasSize(100).doesNotHaveDuplicates().allMatch(i -> i >= 0 && i < 100);
    }

    @Test
    void stoppedPacerReleasesNothingMore() {
        Pacer pacer = new Pacer(new Schedule(Profile.steady(1000, Duration.ofSeconds(1)), Long.MAX_VALUE), START, 0, 1);
        pacer.release(START + 10 * MS, 1000, sink);

        pacer.stop();
        int after = pacer.release(START + 900 * MS, 1000, sink);

        assertThat(after).isZero();
        assertThat(pacer.exhausted()).isTrue();
    }
}
