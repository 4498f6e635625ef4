package io.cleave.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to a replica; many calls share it, told apart by call id. Callers
 * write their requests themselves; a reader thread completes calls as replies arrive.
 */
final class ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    final Wire wire;
    final Semaphore permits;
    private final ReplicaState replica;
    private final AtomicInteger nextId = new AtomicInteger(1);
    /** Calls written, or being written, and awaiting a reply. */
    private final ConcurrentHashMap<Integer, PendingCall> pending = new ConcurrentHashMap<>();
    private final AtomicInteger pingSequence = new AtomicInteger();
    /** Why this connection may carry no more calls; null while it may. */
    private volatile String unusableBecause;
    /**
     * When the last frame from the replica began to arrive (when the connection opened, before
     * any): a pong, a reply, any frame proves it alive.
     */
    volatile long lastHeard;
    /** When the last PING was sent; it is unanswered while this is after {@link #lastHeard}. */
    volatile long pingSent;
    /** Whether the replica has sent anything on this connection: an open connection alone proves nothing. */
    volatile boolean answered;

    private ClientConnection(Wire wire, ReplicaState replica, int maxCalls) {
        this.wire = wire;
        this.permits = new Semaphore(maxCalls);
        this.replica = replica;
        this.lastHeard = wire.reader().frameStart();
        this.pingSent = lastHeard;
    }

    /** Connects; {@link #start()} then reads replies. */
    static ClientConnection open(ReplicaState replica, RpcClient.Settings settings) throws IOException {
        Wire wire = Wire.connect(replica.replica.host(), replica.replica.port(), settings.connectTimeoutMillis(),
                settings.maxFrameBytes(), settings.credentials());
        ClientConnection c = new ClientConnection(wire, replica, settings.maxCallsPerConnection());
        replica.client().remember(c);
        return c;
    }

    /**
     * Starts reading replies; once the replica holds this connection as its current one, so what
     * the first frames say (an answer, a refusal) is about it.
     */
    void start() {
        Thread.ofPlatform().daemon().name("cleave-client-reader-" + replica.replica).start(this::readReplies);
    }

    boolean usable() {
        return unusableBecause == null && wire.open();
    }

    /**
     * Why this connection is no longer {@linkplain #usable usable}, said before it stops being
     * usable, so a caller that finds it unusable always learns why.
     *
     * @return the reason; null while it is usable (or closed by this side)
     */
    String unusableBecause() {
        return unusableBecause;
    }

    int nextCallId() {
        return nextId.getAndIncrement();
    }

    /**
     * Sends a call's request, on the caller's thread. A request certainly not written fails the
     * call at once (certainly not delivered); one lost in a failed write fails when the
     * connection's loss is noticed.
     */
    void send(PendingCall call, byte[] frame) {
        pending.put(call.id, call); // before writing: the reply may come at once
        try {
            wire.send(frame);
        } catch (ClosedChannelException e) {
            notWritten(call, e);
        }
    }

    private void notWritten(PendingCall call, Throwable cause) {
        if (pending.remove(call.id) != null) {
            call.complete(new PendingCall.Failure("request could not be written: " + cause, true, cause));
        }
    }

    /** The caller gave up: forget the call and tell the server to stop it. */
    void cancel(int callId) {
        if (pending.remove(callId) != null && wire.open()) {
            trySend(Frame.control(Frame.CANCEL, callId));
        }
    }

    /** Pings on a thread of its own: a replica that stopped reading must not stall the health checks. */
    void ping() {
        byte[] frame = Frame.control(Frame.PING, pingSequence.incrementAndGet());
        pingSent = System.nanoTime();
        Thread.ofVirtual().name("cleave-ping").start(() -> trySend(frame));
    }

    /** @return whether a PING sent is still unanswered (nothing at all was heard since) */
    boolean pingPending() {
        return pingSent - lastHeard > 0;
    }

    void close() {
        wire.close();
    }

    private void trySend(byte[] frame) {
        try {
            wire.send(frame);
        } catch (ClosedChannelException e) {
            // the reader noticed or will notice, and fails what is in flight
        }
    }

    private void readReplies() {
        try {
            ByteBuffer frame;
            while ((frame = wire.receive()) != null) {
                read(frame);
            }
        } catch (Frame.MalformedFrameException e) {
            LOG.warn("closing connection to {}: malformed frame: {}", replica.replica, e.getMessage());
        } catch (IOException e) {
            if (wire.open()) {
                LOG.debug("connection to {} failed: {}", replica.replica, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("closing connection to {} after an unexpected error", replica.replica, e);
        } finally {
            if (unusableBecause == null) {
                unusableBecause = "connection lost";
            }
            wire.close();
            connectionLost();
        }
    }

    private void read(ByteBuffer in) {
        int type = Frame.readType(in, "client");
        int callId = in.getInt();
        lastHeard = wire.reader().frameStart();
        if (!answered) {
            answered = true;
            replica.answered(this);
        } else if (replica.down()) {
            replica.answered(this);
        }
        if (wire.reader().truncated()) {
            tooLarge(callId);
            return;
        }
        switch (type) {
            case Frame.REPLY -> {
                PendingCall call = pending.remove(callId);
                if (call != null) {
                    call.complete(Frame.rest(in));
                }
            }
            case Frame.OVERLOADED -> {
                PendingCall call = pending.remove(callId);
                long retryAfter = in.getInt() & 0xffffffffL;
                String reason = Frame.readString(in, 2, "overload reason");
                if (call != null) {
                    call.complete(new PendingCall.Overloaded("rejected by " + replica.replica + ": " + reason, retryAfter));
                }
            }
            case Frame.REJECT -> {
                PendingCall call = pending.remove(callId);
                String reason = Frame.readString(in, 2, "reject reason");
                if (call != null) {
                    call.complete(new PendingCall.Failure("rejected by " + replica.replica + ": " + reason, true, null));
                }
            }
            case Frame.PONG -> {
                // lastHeard is set above
            }
            case Frame.GOAWAY -> {
                String reason = Frame.readString(in, 2, "goaway reason");
                unusableBecause = (callId == Frame.NOTHING_READ ? "refused the connection: " : "going away: ") + reason;
                if (callId == Frame.NOTHING_READ) {
                    refused(reason);
                    return;
                }
                LOG.info("replica {} is going away: {}", replica.replica, reason);
                replica.goingAway(this, reason);
            }
            default -> throw new Frame.MalformedFrameException("a server may not send " + Frame.typeName(type));
        }
    }

    /**
     * The server refused this connection and read nothing sent on it (it is at its connection
     * limit): the calls on it certainly were not delivered, and may go to another replica.
     */
    private void refused(String reason) {
        LOG.warn("replica {} refused the connection: {}", replica.replica, reason);
        replica.refused(this, reason);
        wire.close();
        PendingCall.Failure failure = new PendingCall.Failure("refused by " + replica.replica + ": " + reason, true, null);
        for (Integer id : List.copyOf(pending.keySet())) {
            PendingCall call = pending.remove(id);
            if (call != null) {
                call.complete(failure);
            }
        }
    }

    /**
     * A reply too large for a frame this client reads, read and dropped (see {@link FrameReader}):
     * its call fails with the reason (the method did run). Its server has a larger limit than this
     * client, or it would have answered the error itself.
     */
    private void tooLarge(int callId) {
        int bytes = wire.reader().declaredLength() - Frame.HEADER_BYTES;
        LOG.warn("dropped a reply of {} bytes from {}: over the limit of {} bytes", bytes, replica.replica,
                replica.client().settings().maxMessageBytes());
        PendingCall call = pending.remove(callId);
        if (call != null) {
            call.complete(new PendingCall.TooLarge(bytes));
        }
    }

    /**
     * Gives up calls whose deadline passed by {@code now}.
     *
     * @return the earliest deadline among the calls still waiting, or {@code Long.MAX_VALUE}
     */
    long expire(long now) {
        boolean any = false;
        long next = 0;
        for (PendingCall call : pending.values()) {
            if (!call.expire(now) && (!any || call.deadline - next < 0)) {
                any = true;
                next = call.deadline;
            }
        }
        return any ? next : Long.MAX_VALUE;
    }

    /**
     * Fails the calls in flight. The wire is closed first, so a call sent from now on fails to
     * write and is failed by {@link #send}: each call is removed, and failed, exactly once.
     */
    private void connectionLost() {
        PendingCall.Failure failure = new PendingCall.Failure("connection to " + replica.replica + " lost while the call was in flight", false, null);
        int failed = 0;
        for (Integer id : List.copyOf(pending.keySet())) {
            PendingCall call = pending.remove(id);
            if (call != null) {
                failed++;
                call.complete(failure);
            }
        }
        replica.connectionLost(this, failed);
        replica.client().forget(this);
    }
}
