package io.cleave.spi;

/**
 * The bytes the calls made on this thread put on and took off the wire: an invoker that sends a
 * call to another process counts them here, and a decorator around it (cleave-observe's metrics)
 * reads the counts before and after the call to know what that call cost, retries included.
 * Counting is two additions on a per-thread array; nothing is counted for calls that stay in
 * their process.
 */
public final class WireBytes {

    private static final ThreadLocal<long[]> COUNTS = ThreadLocal.withInitial(() -> new long[2]);

    private WireBytes() {
    }

    /**
     * Counts bytes of a call made on this thread.
     *
     * @param sent bytes sent (the request frame)
     * @param received bytes received (the reply)
     */
    public static void count(long sent, long received) {
        long[] counts = COUNTS.get();
        counts[0] += sent;
        counts[1] += received;
    }

    /**
     * This thread's running totals, {@code [sent, received]}, since the thread began; read them
     * before and after a call and subtract. The array is the thread's own: do not keep or change it.
     *
     * @return the live totals of this thread
     */
    public static long[] ofThisThread() {
        return COUNTS.get();
    }
}
