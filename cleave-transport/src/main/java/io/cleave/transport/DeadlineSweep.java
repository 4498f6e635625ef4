package io.cleave.transport;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep by the earliest deadline it is told of, and wakes at no other time. A deadline
 * no earlier than the one already scheduled (the usual case: calls get the same timeout and
 * finish long before it) costs a read of two fields; only an earlier one moves the timer. The
 * sweep tells {@link #by} the earliest deadline still waiting, if any, when it is done.
 *
 * <p>Tell it of a deadline only once what it guards is where the sweep looks: a sweep that
 * starts after this call's check then sees it, and one that started before let this call
 * schedule another.
 */
final class DeadlineSweep {

    private final ScheduledExecutorService timer;
    private final Runnable sweep;
    /** The scheduled run; written under this object's lock, read without it on the call path. */
    private volatile ScheduledFuture<?> scheduled;
    /** When the scheduled run is due ({@link System#nanoTime()}); meaningful while it is set. */
    private volatile long at;

    DeadlineSweep(ScheduledExecutorService timer, Runnable sweep) {
        this.timer = timer;
        this.sweep = sweep;
    }

    /** Makes sure the sweep runs by {@code deadline} ({@link System#nanoTime()}). */
    void by(long deadline) {
        if (scheduled != null && at - deadline <= 0) {
            return;
        }
        synchronized (this) {
            ScheduledFuture<?> current = scheduled;
            if (current != null) {
                if (at - deadline <= 0) {
                    return;
                }
                current.cancel(false);
            }
            at = deadline;
            try {
                scheduled = timer.schedule(this::run, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                scheduled = null; // shut down: whoever shut it down ends what is waiting
            }
        }
    }

    /** Cancels the scheduled run, if any. */
    synchronized void cancel() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    private void run() {
        synchronized (this) {
            scheduled = null;
        }
        sweep.run();
    }
}
