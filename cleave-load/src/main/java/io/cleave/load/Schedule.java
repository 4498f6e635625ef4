package io.cleave.load;

import java.util.List;

/**
 * The intended start time of every request of a run: request {@code n} (from 0) starts when
 * the integral of the profile's rate reaches {@code n}. Pure arithmetic, no clock, so what the
 * pacer does can be checked exactly.
 */
final class Schedule {

    private final List<Profile.Segment> segments;
    private final double[] countBefore;
    private final long[] nanosBefore;
    private final long count;
    private final long totalNanos;
    private final double expected;

    Schedule(Profile profile, long maxRequests) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("max requests must be at least 1, not " + maxRequests);
        }
        this.segments = profile.segments();
        this.countBefore = new double[segments.size()];
        this.nanosBefore = new long[segments.size()];
        double total = 0;
        long nanos = 0;
        for (int i = 0; i < segments.size(); i++) {
            countBefore[i] = total;
            nanosBefore[i] = nanos;
            Profile.Segment segment = segments.get(i);
            total += (segment.from() + segment.to()) / 2 * segment.nanos() / 1e9;
            nanos += segment.nanos();
        }
        // request n is in the run when its start time is before the end, that is when n < total
        long inProfile = (long) Math.ceil(total - 1e-9);
        this.count = Math.min(inProfile, maxRequests);
        this.totalNanos = nanos;
        this.expected = total;
    }

    /** The profile's phases, in order. */
    List<Profile.Segment> segments() {
        return segments;
    }

    /** When each phase ends, in nanoseconds from the start of the run. */
    long[] phaseEnds() {
        long[] ends = new long[segments.size()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = nanosBefore[i] + segments.get(i).nanos();
        }
        return ends;
    }

    /** How many requests the run sends. */
    long count() {
        return count;
    }

    /** The profile's average rate, requests per second, whatever the request limit. */
    double averageRate() {
        return expected / (totalNanos / 1e9);
    }

    /** The length of the profile in nanoseconds. */
    long totalNanos() {
        return totalNanos;
    }

    /**
     * The intended start of request {@code n}, in nanoseconds after the start of the run.
     *
     * @throws IndexOutOfBoundsException if {@code n} is not below {@link #count()}
     */
    long intendedNanos(long n) {
        if (n < 0 || n >= count) {
            throw new IndexOutOfBoundsException("request " + n + " is not in a schedule of " + count);
        }
        int i = -1;
        for (int j = 0; j < segments.size(); j++) {
            if (segments.get(j).nanos() > 0 && countBefore[j] <= n) {
                i = j;
            }
        }
        Profile.Segment segment = segments.get(i);
        double m = n - countBefore[i];
        double seconds = secondsInto(segment, m);
        return nanosBefore[i] + Math.min(segment.nanos(), Math.round(seconds * 1e9));
    }

    /** How many requests start in {@code [0, nanos)}. */
    long countBefore(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        double total = 0;
        long remaining = nanos;
        for (Profile.Segment segment : segments) {
            long in = Math.min(remaining, segment.nanos());
            double t = in / 1e9;
            double slope = segment.nanos() == 0 ? 0 : (segment.to() - segment.from()) / (segment.nanos() / 1e9);
            total += segment.from() * t + slope * t * t / 2;
            remaining -= in;
            if (remaining == 0) {
                break;
            }
        }
        return Math.min(count, (long) Math.ceil(total - 1e-9));
    }

    /** Seconds into a linear segment at which its cumulative count reaches {@code m}. */
    private static double secondsInto(Profile.Segment segment, double m) {
        double length = segment.nanos() / 1e9;
        double r0 = segment.from();
        double half = (segment.to() - r0) / (2 * length);
        // solve half*t^2 + r0*t = m in the form that stays exact when half is 0 or tiny
        double denominator = r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * half * m));
        return denominator == 0 ? 0 : 2 * m / denominator;
    }
}
