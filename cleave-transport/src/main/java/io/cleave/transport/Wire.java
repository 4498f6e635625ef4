package io.cleave.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;

/**
 * One TCP connection carrying frames, in blocking mode on virtual threads. The thread with
 * something to say writes it itself: a caller writes its request and a handler its reply, with
 * no hand-off to an I/O thread (each hand-off is a thread wake-up, the main cost of a small
 * call). One reader thread per connection takes frames in, through a {@link FrameReader}.
 *
 * <p>Writers combine rather than queue up: a frame is put in the connection's queue and the
 * thread that holds the write lock writes everything queued in one system call; a thread that
 * finds the lock taken leaves its frame to the holder and goes on, without waiting (the holder
 * looks at the queue again after letting go of the lock, so nothing is left behind).
 */
final class Wire {

    /** Read buffer of a connection that carries calls: one read then takes many frames. */
    static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Frames written together are copied into one buffer of up to this size. */
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    private final Socket socket;
    private final FrameReader in;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    /** Made when frames are first written together: a connection that only ever sends one at a time needs none. */
    private byte[] writeBuffer; // guarded by writeLock
    private volatile boolean closed;
    /** When the write in progress began its last chunk; 0 when no write is in progress. */
    private volatile long writingSince;

    /**
     * @param readBufferBytes the read buffer's initial size
     * @param budget grants memory to large frames as they arrive
     */
    Wire(Socket socket, int readBufferBytes, int maxFrameBytes, int oversizeType, FrameReader.Budget budget)
            throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = new FrameReader(socket.getInputStream(), readBufferBytes, maxFrameBytes, oversizeType, budget);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects, waiting at most {@code timeoutMillis}; a client's connection, without a budget.
     * With credentials, runs the TLS handshake too, and waits within the same time for the
     * server's first frame: in TLS 1.3 the server refuses a client's certificate after the client
     * finished its part, so only what the server sends next says whether it accepted this one.
     *
     * @param tls the client's credentials, or null for plaintext
     * @throws IOException if the connection cannot be made, the server refuses it or its
     *     certificate; nothing was sent on it then
     */
    static Wire connect(String host, int port, int timeoutMillis, int maxFrameBytes, Credentials tls) throws IOException {
        Socket socket = new Socket();
        try {
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            if (tls == null) {
                return new Wire(socket, READ_BUFFER_BYTES, maxFrameBytes, Frame.REPLY, FrameReader.Budget.NONE);
            }
            SSLSocket secure = tls.client(socket, host, port);
            socket = secure;
            secure.setSoTimeout(remainingMillis(until));
            tls.handshake(secure);
            Wire wire = new Wire(secure, READ_BUFFER_BYTES, maxFrameBytes, Frame.REPLY, FrameReader.Budget.NONE);
            secure.setSoTimeout(remainingMillis(until));
            wire.awaitAccepted(host + ":" + port);
            secure.setSoTimeout(0);
            return wire;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static int remainingMillis(long until) throws SocketTimeoutException {
        long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("connect timeout passed during the TLS handshake");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /**
     * Reads the server's first frame on a new TLS connection: a PONG says it accepted this
     * client; a GOAWAY that it read nothing (at its connection limit).
     */
    private void awaitAccepted(String server) throws IOException {
        ByteBuffer first = in.receive();
        if (first == null) {
            throw new EOFException(server + " closed the connection after the TLS handshake");
        }
        int type = Frame.readType(first, "client");
        first.getInt();
        if (type == Frame.GOAWAY) {
            throw new IOException(server + " refused the connection: " + Frame.readString(first, 2, "goaway reason"));
        }
        if (type != Frame.PONG) {
            throw new Frame.MalformedFrameException(server + " began a TLS connection with " + Frame.typeName(type)
                    + " rather than PONG");
        }
    }

    /**
     * Sends one whole frame; any thread. Written by this thread, with any other frames queued,
     * unless another thread is writing now: that one writes it, and this one returns at once.
     * The caller's interrupt status is set aside while writing: an interrupted thread's socket
     * I/O would close the connection under every other call on it. A failed write closes the
     * connection; its reader then fails what was in flight.
     *
     * @throws ClosedChannelException if the frame certainly was not written: the connection
     *     was closed before any of it could be
     */
    void send(byte[] frame) throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
        queue.add(frame);
        while (!queue.isEmpty() && writeLock.tryLock()) {
            boolean interrupted = Thread.interrupted();
            try {
                writeQueued();
            } catch (IOException e) {
                close();
            } finally {
                writingSince = 0;
                writeLock.unlock();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (closed && queue.remove(frame)) {
            throw new ClosedChannelException();
        }
    }

    /** Writes what is queued, small frames copied together into one write. Holds the write lock. */
    private void writeQueued() throws IOException {
        byte[] frame = queue.poll();
        if (frame == null) {
            return;
        }
        if (queue.isEmpty()) {
            write(frame, frame.length); // alone: no copy
            return;
        }
        if (writeBuffer == null) {
            writeBuffer = new byte[WRITE_BUFFER_BYTES];
        }
        int buffered = 0;
        for (; frame != null; frame = queue.poll()) {
            if (buffered + frame.length > WRITE_BUFFER_BYTES) {
                if (buffered > 0) {
                    write(writeBuffer, buffered);
                    buffered = 0;
                }
                if (frame.length > WRITE_BUFFER_BYTES) {
                    write(frame, frame.length);
                    continue;
                }
            }
            System.arraycopy(frame, 0, writeBuffer, buffered, frame.length);
            buffered += frame.length;
        }
        if (buffered > 0) {
            write(writeBuffer, buffered);
        }
    }

    /** Writes in chunks of at most the buffer's size, noting when each began: see {@link #stalledNanos}. */
    private void write(byte[] bytes, int length) throws IOException {
        for (int at = 0; at < length; at += WRITE_BUFFER_BYTES) {
            writingSince = System.nanoTime();
            out.write(bytes, at, Math.min(WRITE_BUFFER_BYTES, length - at));
        }
    }

    /**
     * How long the write in progress has waited for the peer to take its current chunk, or 0 when
     * nothing is being written. A peer that stopped reading leaves the writer blocked once the
     * socket buffers are full; only closing the connection frees it.
     */
    long stalledNanos(long now) {
        long since = writingSince;
        return since == 0 ? 0 : now - since;
    }

    /**
     * Reads the next frame: its body, from the version byte on. Only the connection's reader.
     *
     * @return the body, or null when the peer closed the connection between frames
     * @see FrameReader#receive()
     */
    ByteBuffer receive() throws IOException {
        return in.receive();
    }

    /** @return the reader, for what it knows of the last frame and of the one arriving */
    FrameReader reader() {
        return in;
    }

    boolean open() {
        return !closed;
    }

    /** Closes; the reader's {@link #receive} fails and writers get IOException. Idempotent. */
    void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Closes with a reset (no orderly FIN), as a crashed process's connection ends. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        close();
    }

    SocketAddress remoteAddress() {
        return socket.getRemoteSocketAddress();
    }
}
