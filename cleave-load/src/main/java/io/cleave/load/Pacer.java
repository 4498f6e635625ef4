package io.cleave.load;

/**
 * Releases the requests of a {@link Schedule} when their intended time has come, never before
 * and never skipping one: if the caller comes back late, every request that came due meanwhile is
 * released at once, each still carrying its intended time, so that latency is measured from when
 * the request should have started (the correction for coordinated omission).
 *
 * <p>A pacer takes every {@code stride}-th request starting at {@code offset}, so that several
 * event loops can share one schedule without coordination. Not thread-safe: one event loop owns it.
 */
final class Pacer {

    /** Receives each released request. */
    @FunctionalInterface
    interface Sink {
        /**
         * Starts request {@code index}.
         *
         * @param index its number in the schedule, from 0
         * @param intendedAt when it should start, on the ticker's time line
         */
        void start(long index, long intendedAt);
    }

    private final Schedule schedule;
    private final long startNanos;
    private final int stride;
    private long next;
    private long end;

    Pacer(Schedule schedule, long startNanos, int offset, int stride) {
        if (stride < 1 || offset < 0 || offset >= stride) {
            throw new IllegalArgumentException("offset " + offset + " and stride " + stride);
        }
        this.schedule = schedule;
        this.startNanos = startNanos;
        this.stride = stride;
        this.next = offset;
        this.end = schedule.count();
    }

    /** True when every request of this pacer has been released (or the pacer was stopped). */
    boolean exhausted() {
        return next >= end;
    }

    /** When the next request is due, on the ticker's time line; only valid if not exhausted. */
    long nextDueAt() {
        return startNanos + schedule.intendedNanos(next);
    }

    /**
     * Releases, in order, the requests due at {@code now}, at most {@code limit} of them.
     *
     * @return how many were released
     */
    int release(long now, int limit, Sink sink) {
        int released = 0;
        while (released < limit && next < end) {
            long due = startNanos + schedule.intendedNanos(next);
            if (due > now) {
                break;
            }
            long index = next;
            next += stride;
            released++;
            sink.start(index, due);
        }
        return released;
    }

    /** Releases nothing more. */
    void stop() {
        end = Math.min(end, next);
    }
}
