package io.cleave.load;

import java.time.Duration;
import java.util.List;

/**
 * How the arrival rate changes over a run. The rate is in requests per second and is kept
 * whatever the target does (open loop): a slow target gets a growing queue, not fewer requests.
 * Every profile is bounded in time; {@link LoadTest.Builder#maxRequests(long)} bounds it in count.
 */
public sealed interface Profile permits Profile.Steady, Profile.Ramp, Profile.Spike {

    /**
     * A constant rate.
     *
     * @param rate requests per second, positive
     * @param duration how long, positive
     * @return the profile
     * @throws IllegalArgumentException if the rate or the duration is not positive
     */
    static Profile steady(double rate, Duration duration) {
        return new Steady(rate, duration);
    }

    /**
     * A rate that changes linearly from {@code from} to {@code to} over {@code duration}.
     *
     * @param from requests per second at the start, zero or more
     * @param to requests per second at the end, zero or more
     * @param duration how long, positive
     * @return the profile
     * @throws IllegalArgumentException if a rate is negative, both are zero, or the duration is
     *     not positive
     */
    static Profile ramp(double from, double to, Duration duration) {
        return new Ramp(from, to, duration);
    }

    /**
     * A base rate for {@code warm}, then {@code factor} times the base rate for {@code spike},
     * then the base rate again for {@code cool}.
     *
     * @param base requests per second outside the spike, positive
     * @param factor how many times the base rate during the spike, at least 1
     * @param warm time before the spike, zero or more
     * @param spike length of the spike, positive
     * @param cool time after the spike, zero or more
     * @return the profile
     * @throws IllegalArgumentException if a value is out of its range
     */
    static Profile spike(double base, double factor, Duration warm, Duration spike, Duration cool) {
        return new Spike(base, factor, warm, spike, cool);
    }

    /**
     * The total length of the profile.
     *
     * @return the duration
     */
    default Duration duration() {
        long nanos = 0;
        for (Segment segment : segments()) {
            nanos += segment.nanos();
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * The rate the profile asks for at an offset from the start.
     *
     * @param offset time since the start
     * @return requests per second; zero past the end
     */
    default double rateAt(Duration offset) {
        long at = offset.toNanos();
        for (Segment segment : segments()) {
            if (at < segment.nanos()) {
                return segment.from() + (segment.to() - segment.from()) * at / segment.nanos();
            }
            at -= segment.nanos();
        }
        return 0;
    }

    /**
     * A one-line description, such as {@code spike 200/s x10 (warm 20s, spike 20s, cool 20s)}.
     *
     * @return the description
     */
    String describe();

    /**
     * The pieces of linear rate the profile is made of, in order.
     *
     * @return the segments; their lengths add up to {@link #duration()}
     */
    List<Segment> segments();

    /**
     * A piece of the profile whose rate changes linearly: a phase of the run, reported on its own
     * ({@link LoadResult#phases()}).
     *
     * @param name the phase: {@code steady}, {@code ramp}, or {@code warm}, {@code spike} and {@code cool}
     * @param from requests per second at its start
     * @param to requests per second at its end
     * @param nanos its length in nanoseconds
     */
    record Segment(String name, double from, double to, long nanos) {}

    /**
     * A constant rate.
     *
     * @param rate requests per second
     * @param length how long
     */
    record Steady(double rate, Duration length) implements Profile {
        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException if the rate or the length is not positive
         */
        public Steady {
            requirePositive("rate", rate);
            requirePositive("duration", length);
        }

        @Override
        public List<Segment> segments() {
            return List.of(new Segment("steady", rate, rate, length.toNanos()));
        }

        @Override
        public String describe() {
            return "steady " + Format.rate(rate) + " for " + Format.duration(length);
        }
    }

    /**
     * A linear ramp.
     *
     * @param from requests per second at the start
     * @param to requests per second at the end
     * @param length how long
     */
    record Ramp(double from, double to, Duration length) implements Profile {
        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException if a rate is negative, both are zero, or the length is
         *     not positive
         */
        public Ramp {
            requireNotNegative("ramp start rate", from);
            requireNotNegative("ramp end rate", to);
            if (from == 0 && to == 0) {
                throw new IllegalArgumentException("a ramp needs a start or an end rate above zero");
            }
            requirePositive("duration", length);
        }

        @Override
        public List<Segment> segments() {
            return List.of(new Segment("ramp", from, to, length.toNanos()));
        }

        @Override
        public String describe() {
            return "ramp " + Format.rate(from) + " to " + Format.rate(to) + " over " + Format.duration(length);
        }
    }

    /**
     * A spike: base rate, {@code factor} times the base rate, base rate again.
     *
     * @param base requests per second outside the spike
     * @param factor multiplier during the spike
     * @param warm time before the spike
     * @param spike length of the spike
     * @param cool time after the spike
     */
    record Spike(double base, double factor, Duration warm, Duration spike, Duration cool) implements Profile {
        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException if a value is out of its range
         */
        public Spike {
            requirePositive("rate", base);
            if (!(factor >= 1) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("spike factor must be 1 or more, not " + factor);
            }
            if (warm.isNegative() || cool.isNegative()) {
                throw new IllegalArgumentException("warm and cool durations cannot be negative");
            }
            requirePositive("spike duration", spike);
        }

        @Override
        public List<Segment> segments() {
            return List.of(
                    new Segment("warm", base, base, warm.toNanos()),
                    new Segment("spike", base * factor, base * factor, spike.toNanos()),
                    new Segment("cool", base, base, cool.toNanos()));
        }

        @Override
        public String describe() {
            return "spike " + Format.rate(base) + " x" + Format.number(factor) + " (warm " + Format.duration(warm)
                    + ", spike " + Format.duration(spike) + ", cool " + Format.duration(cool) + ")";
        }
    }

    private static void requirePositive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive number of requests per second, not " + value);
        }
    }

    private static void requireNotNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be zero or more requests per second, not " + value);
        }
    }

    private static void requirePositive(String what, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + Format.duration(value));
        }
    }
}
