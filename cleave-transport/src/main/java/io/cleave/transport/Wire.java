package io.cleave.transport;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TCP connection carrying frames, in blocking mode on virtual threads. The thread with
 * something to say writes it itself: a caller writes its request and a handler its reply, with
 * no hand-off to an I/O thread (each hand-off is a thread wake-up, the main cost of a small
 * call). One reader thread per connection takes frames in.
 */
final class Wire {

    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final int maxFrameBytes;
    private volatile boolean closed;

    Wire(Socket socket, int maxFrameBytes) throws IOException {
        this.socket = socket;
        this.maxFrameBytes = maxFrameBytes;
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), READ_BUFFER_BYTES));
        this.out = socket.getOutputStream();
    }

    /** Connects, waiting at most {@code timeoutMillis}. */
    static Wire connect(String host, int port, int timeoutMillis, int maxFrameBytes) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            return new Wire(socket, maxFrameBytes);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Writes one whole frame; any thread, one frame at a time. The caller's interrupt status is
     * set aside while writing: an interrupted thread's socket I/O would close the connection
     * under every other call on it.
     *
     * @throws IOException if the connection failed; the peer received at most part of the frame
     */
    void send(byte[] frame) throws IOException {
        boolean interrupted = Thread.interrupted();
        writeLock.lock();
        try {
            out.write(frame);
        } finally {
            writeLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads the next frame: its body, from the version byte on. Only the connection's reader.
     *
     * @return the body, or null when the peer closed the connection between frames
     * @throws Frame.MalformedFrameException if the length prefix is out of bounds
     * @throws IOException if the connection failed or closed inside a frame
     */
    ByteBuffer receive() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length > maxFrameBytes || length < 0) {
            throw new Frame.MalformedFrameException("frame of " + Integer.toUnsignedString(length)
                    + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        if (length < Frame.HEADER_BYTES) {
            throw new Frame.MalformedFrameException("frame of " + length + " bytes is shorter than its header");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return ByteBuffer.wrap(body);
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
