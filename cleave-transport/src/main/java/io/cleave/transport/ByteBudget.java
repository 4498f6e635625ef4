package io.cleave.transport;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The server's bound on memory held for large frames ({@link FrameReader#SMALL_FRAME_BYTES} and
 * over): bytes arriving, and bytes of requests received but not yet decoded. The whole server
 * holds at most {@code max}; one connection at most {@code perConnection}, so one peer cannot
 * take it all. A frame that cannot have its next bytes waits for them, which stops reading its
 * connection (TCP then slows the peer), until its read timeout: a peer that announces large
 * frames and sends half of them holds its share only until then.
 */
final class ByteBudget {

    private final long max;
    private final long perConnection;
    private final long readTimeoutNanos;
    private long used; // guarded by this

    ByteBudget(long max, long perConnection, long readTimeoutNanos) {
        this.max = max;
        this.perConnection = perConnection;
        this.readTimeoutNanos = readTimeoutNanos;
    }

    /** @return bytes held now, over all connections */
    synchronized long used() {
        return used;
    }

    /** @return a connection's account */
    Account account() {
        return new Account();
    }

    /** One connection's share; closed with its connection. */
    final class Account implements FrameReader.Budget {
        private long held; // guarded by ByteBudget.this
        private boolean closed; // guarded by ByteBudget.this

        @Override
        public void acquire(int bytes, long frameStart) throws IOException {
            long until = frameStart + readTimeoutNanos;
            synchronized (ByteBudget.this) {
                while (used + bytes > max || held + bytes > perConnection) {
                    long left = until - System.nanoTime();
                    if (closed) {
                        throw new IOException("connection closed while its frame waited for memory");
                    }
                    if (left <= 0) {
                        throw new IOException("a frame could not have " + bytes + " more bytes within the read timeout: "
                                + (held + bytes > perConnection ? "this connection holds " + held + " of its "
                                        + perConnection : "the server holds " + used + " of its " + max)
                                + " bytes of frames ([transport] max-buffered-bytes)");
                    }
                    try {
                        ByteBudget.this.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while a frame waited for memory", e);
                    }
                }
                used += bytes;
                held += bytes;
            }
        }

        @Override
        public void release(int bytes) {
            if (bytes == 0) {
                return;
            }
            synchronized (ByteBudget.this) {
                used -= bytes;
                held -= bytes;
                ByteBudget.this.notifyAll();
            }
        }

        /** Wakes a frame waiting for memory on a connection being closed. */
        void close() {
            synchronized (ByteBudget.this) {
                closed = true;
                ByteBudget.this.notifyAll();
            }
        }
    }
}
