package io.cleave.spi.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for what another thread or process brings about: the tests' one way to wait for
 * it. A condition is asked again after 20 ms, then after twice as long each time up to 200 ms, so a
 * quick one is seen at once and a slow one (a process restarting) does not load the machine. A
 * condition that does not hold in time fails the test with what was awaited and, where given, what
 * was seen last; an interrupt fails it too (and keeps the thread's interrupt status). {@link #closely}
 * asks every 2 ms instead, for a test that measures the time a condition took.
 */
public final class Await {

    private static final long FIRST_PAUSE_MILLIS = 20;
    private static final long LAST_PAUSE_MILLIS = 200;
    private static final long CLOSE_PAUSE_MILLIS = 2;

    private Await() {
    }

    /**
     * Polls until the condition holds.
     *
     * @param limit how long it may take
     * @param what what is awaited, for the failure's message
     * @param condition asked until it holds
     * @throws AssertionError when it does not hold within {@code limit}
     */
    public static void until(Duration limit, String what, BooleanSupplier condition) {
        until(limit, what, condition, null);
    }

    /**
     * Polls until the condition holds; a failure says what was seen last.
     *
     * @param limit how long it may take
     * @param what what is awaited, for the failure's message
     * @param condition asked until it holds
     * @param seen what to show when it does not hold in time (asked once, then)
     * @throws AssertionError when it does not hold within {@code limit}
     */
    public static void until(Duration limit, String what, BooleanSupplier condition, Supplier<?> seen) {
        poll(limit, what, condition, seen, FIRST_PAUSE_MILLIS, LAST_PAUSE_MILLIS);
    }

    /**
     * Polls every {@value #CLOSE_PAUSE_MILLIS} ms until the condition holds: for a test that
     * measures how long the condition took, which growing pauses would add to.
     *
     * @param limit how long it may take
     * @param what what is awaited, for the failure's message
     * @param condition asked until it holds
     * @param seen what to show when it does not hold in time (asked once, then)
     * @throws AssertionError when it does not hold within {@code limit}
     */
    public static void closely(Duration limit, String what, BooleanSupplier condition, Supplier<?> seen) {
        poll(limit, what, condition, seen, CLOSE_PAUSE_MILLIS, CLOSE_PAUSE_MILLIS);
    }

    private static void poll(Duration limit, String what, BooleanSupplier condition, Supplier<?> seen, long first, long last) {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = first;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit + ": " + what + (seen == null ? "" : "; last seen: " + seen.get()));
            }
            pause = pause(pause, last, what);
        }
    }

    /**
     * Polls a value until it satisfies the condition, and returns it.
     *
     * @param limit how long it may take
     * @param what what is awaited, for the failure's message
     * @param value asked until it satisfies the condition
     * @param condition what the value must satisfy
     * @param <T> the value's type
     * @return the first value that satisfies the condition
     * @throws AssertionError when none does within {@code limit}; its message shows the last value
     */
    public static <T> T value(Duration limit, String what, Supplier<T> value, Predicate<? super T> condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            T v = value.get();
            if (condition.test(v)) {
                return v;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + limit + ": " + what + "; last seen: " + v);
            }
            pause = pause(pause, LAST_PAUSE_MILLIS, what);
        }
    }

    /** Sleeps {@code millis} and returns the next pause, twice as long up to {@code last}. */
    private static long pause(long millis, long last, String what) {
        try {
            Thread.sleep(millis);
            return Math.min(2 * millis, last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for: " + what, e);
        }
    }
}
