package io.cleave.transport;

import io.cleave.CallContext;
import io.cleave.MessageTooLargeException;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import io.helidon.common.concurrency.limits.LimitAlgorithm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the server: a reader thread parses frames and starts calls; each
 * call's handler writes its own reply.
 *
 * <p>The reader is a virtual thread until the connection sends a request, then a platform thread
 * (woken by the kernel directly: two wake-ups less per frame than through the JDK's poller), and
 * a virtual thread again once it has sent no request for a while. Platform threads so follow the
 * connections that carry calls: idle connections, or a flood of them, cost a parked virtual
 * thread each, and the server's sweep closes those that send nothing at all. The exception is
 * the deployment's own connection (the supervisor's, known by its certificate): a platform thread
 * reads it from the start, so a process whose virtual threads are all busy serving a spike still
 * answers its health checks at once and is not taken for hung.
 */
final class ServerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    /** Read buffer while a virtual thread reads the connection: pings and small requests fit. */
    static final int IDLE_READ_BUFFER_BYTES = 512;

    private final RpcServer server;
    private final Wire wire;
    /** The TLS socket under the wire, or null for plaintext. */
    private final SSLSocket tls;
    /** Who the peer is, from its certificate once the handshake is done; null for plaintext. Only the reader writes it. */
    private volatile Identity peer;
    /** Per component, why the peer may not call it ("" when it may): asked of the authorizer once. Only the reader. */
    private final Map<String, String> refusals = new HashMap<>();
    private final ByteBudget.Account budget;
    /** Calls running, by call id. */
    private final ConcurrentHashMap<Integer, ServerCall> calls = new ConcurrentHashMap<>();
    /** Cancels calls at the earliest deadline of a running call. */
    private final DeadlineSweep expiry;
    private volatile boolean goingAway;
    /** Whether a platform thread reads the connection; only the reader. */
    private boolean onPlatform;
    /** When the last request began to arrive; only the reader. */
    private long lastRequest;
    /** Whether the last request started a call: a connection proves itself so. Only the reader. */
    private boolean started;

    ServerConnection(RpcServer server, Wire wire, SSLSocket tls, ByteBudget.Account budget) {
        this.server = server;
        this.wire = wire;
        this.tls = tls;
        this.budget = budget;
        this.expiry = new DeadlineSweep(server.timer(), this::cancelExpired);
    }

    void start() {
        Thread.ofVirtual().name("cleave-server-reader").start(() -> {
            if (tls != null && !handshake()) {
                close(false);
                closed();
                return;
            }
            if (server.closing()) {
                goAway("server shutting down");
            }
            if (fromDeployment()) {
                // the supervisor's health checks: a pong must not wait behind a busy process's virtual threads
                wire.reader().bufferSize(Wire.READ_BUFFER_BYTES);
                onPlatform = true;
                Thread.ofPlatform().daemon().name("cleave-server-reader-supervisor").start(this::readCalls);
                return;
            }
            readCalls();
        });
    }

    /** Whether the peer is the deployment itself (the {@code multi} supervisor), by its certificate. */
    private boolean fromDeployment() {
        Identity p = peer;
        return p != null && p.isDeployment();
    }

    /**
     * Runs the TLS handshake within the read timeout, learns the peer's identity from its
     * certificate, and tells the client it was accepted (a PONG: in TLS 1.3 a client learns that
     * its certificate was refused only from what the server sends after the handshake, so it waits
     * for this before it sends a call).
     *
     * @return whether the connection may carry calls; if not, the reason was logged
     */
    private boolean handshake() {
        try {
            tls.setSoTimeout(Math.clamp(TimeUnit.NANOSECONDS.toMillis(server.settings().readTimeoutNanos()), 1,
                    Integer.MAX_VALUE));
            server.credentials().handshake(tls);
            peer = Credentials.peer(tls);
            tls.setSoTimeout(0);
            wire.send(Frame.control(Frame.PONG, 0));
            return true;
        } catch (IOException | RuntimeException e) {
            server.refusedHandshake(wire.remoteAddress(), e);
            return false;
        }
    }

    /** @return who the peer is, from its certificate; empty for plaintext, or before the handshake */
    Optional<Identity> peer() {
        return Optional.ofNullable(peer);
    }

    /** @return the certificate the peer presented; for tests */
    Optional<java.security.cert.X509Certificate> peerCertificate() {
        try {
            return tls == null || peer == null ? Optional.empty()
                    : Optional.of((java.security.cert.X509Certificate) tls.getSession().getPeerCertificates()[0]);
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    private void readCalls() {
        boolean handedOver = false;
        try {
            ByteBuffer frame;
            while ((frame = wire.receive()) != null) {
                int type = read(frame);
                if (handOver(type)) {
                    handedOver = true;
                    return;
                }
            }
        } catch (Frame.MalformedFrameException | io.cleave.spi.CodecException e) {
            LOG.warn("closing connection from {}: malformed frame: {}", wire.remoteAddress(), e.getMessage());
        } catch (IOException e) {
            if (wire.open()) {
                LOG.debug("connection from {} failed: {}", wire.remoteAddress(), e.toString());
            }
        } catch (RuntimeException e) {
            LOG.warn("closing connection from {} after an unexpected error", wire.remoteAddress(), e);
        } finally {
            if (!handedOver) {
                close(false);
                closed();
            }
        }
    }

    /**
     * Moves reading to a platform thread after a call started on a virtual one, and back after a ping
     * when no request came for the demotion time (a live client pings a quiet connection about
     * once a second, so an idle one gets there). The new thread goes on from the next frame.
     *
     * @return whether another thread reads from now on
     */
    private boolean handOver(int type) {
        boolean platform;
        if (!onPlatform && type == Frame.REQUEST && started) {
            platform = true;
        } else if (onPlatform && type == Frame.PING && !fromDeployment()
                && wire.reader().frameStart() - lastRequest > server.settings().demoteAfterNanos()) {
            platform = false;
        } else {
            return false;
        }
        wire.reader().bufferSize(platform ? Wire.READ_BUFFER_BYTES : IDLE_READ_BUFFER_BYTES);
        onPlatform = platform;
        (platform ? Thread.ofPlatform().daemon() : Thread.ofVirtual()).name("cleave-server-reader").start(this::readCalls);
        return true;
    }

    /** The caller is gone: nobody will read the replies. */
    private void closed() {
        expiry.cancel();
        for (Integer id : List.copyOf(calls.keySet())) {
            ServerCall call = calls.remove(id);
            if (call != null) {
                call.cancel();
            }
        }
        server.connectionClosed(this);
    }

    /** Handles one frame; returns its type. */
    private int read(ByteBuffer in) {
        FrameReader reader = wire.reader();
        int charged = reader.charged();
        int type;
        try {
            type = Frame.readType(in, "server");
            int callId = in.getInt();
            if (reader.truncated()) {
                tooLarge(callId, in, reader.declaredLength());
                return type;
            }
            if (type == Frame.REQUEST) {
                lastRequest = reader.frameStart();
                charged = 0; // the call gives it back once it has decoded its arguments
                request(callId, in, reader.charged());
                return type;
            }
            other(type, callId);
        } finally {
            budget.release(charged);
        }
        return type;
    }

    private void other(int type, int callId) {
        switch (type) {
            case Frame.CANCEL -> {
                ServerCall call = calls.remove(callId);
                if (call != null) {
                    call.cancel();
                }
            }
            case Frame.PING -> send(Frame.control(Frame.PONG, callId));
            case Frame.GOAWAY -> LOG.debug("client {} is going away", wire.remoteAddress());
            default -> throw new Frame.MalformedFrameException("a client may not send " + Frame.typeName(type));
        }
    }

    /**
     * A request too large for a frame this server reads, of which only the first bytes were kept
     * (the rest was read and dropped; see {@link FrameReader}). It is answered like arguments
     * over the limit in a frame that was read, and the connection goes on. Its client has a larger
     * limit than this server, or it would not have sent it.
     */
    private void tooLarge(int callId, ByteBuffer in, int length) {
        MethodDescriptor method = null;
        try {
            String component = Frame.readString(in, 2, "component name");
            int id = in.getInt();
            in.getLong(); // remaining micros
            Frame.readString(in, 1, "trace id");
            RpcServer.Hosted<?> hosted = server.component(component);
            if (hosted != null && refusal(component) == null) {
                method = hosted.method(id);
            }
        } catch (Frame.MalformedFrameException | BufferUnderflowException e) {
            // a header longer than the kept bytes: answered without naming the method
        }
        if (method == null) {
            reject(callId, "a request of " + length + " bytes is more than this server reads ([transport] max-message-bytes = "
                    + server.settings().maxMessageBytes() + ")");
            return;
        }
        tooLarge(callId, method, length - in.position());
    }

    /**
     * Answers a request whose arguments are over the limit with {@link MessageTooLargeException} as
     * its failure, without running it: the caller learns why, and does not retry.
     */
    private void tooLarge(int callId, MethodDescriptor method, int bytes) {
        LOG.warn("dropped a call of {} from {}: its arguments encode to {} bytes, over the limit of {}", method.fullName(),
                wire.remoteAddress(), bytes, server.settings().maxMessageBytes());
        Writer out = new Writer(256);
        method.writeThrown(out, new MessageTooLargeException(method.component(), method.name(), false, bytes,
                server.settings().maxMessageBytes(), "the replica " + server.replica() + " dropped it without running it"));
        send(Frame.withPayload(Frame.REPLY, callId, out.buffer(), out.size()));
    }

    /** @param charged budget the request's bytes hold; given back here unless a call takes it */
    private void request(int callId, ByteBuffer in, int charged) {
        boolean taken = false;
        try {
            taken = startCall(callId, in, charged);
        } finally {
            started = taken;
            if (!taken) {
                budget.release(charged);
            }
        }
    }

    /** @return whether a call was started, and took the budget with it */
    private boolean startCall(int callId, ByteBuffer in, int charged) {
        String component = Frame.readString(in, 2, "component name");
        if (in.remaining() < 12) {
            throw new Frame.MalformedFrameException("truncated request header of " + component);
        }
        int methodId = in.getInt();
        long remainingMicros = in.getLong();
        String traceId = Frame.readString(in, 1, "trace id");
        byte[] arguments = Frame.rest(in);

        RpcServer.Hosted<?> hosted = server.component(component);
        if (hosted == null) {
            reject(callId, "no component \"" + component + "\" here; this server hosts " + server.componentNames());
            return false;
        }
        MethodDescriptor method = hosted.method(methodId);
        if (method == null) {
            // the caller's build has a method this one does not (added, or its parameter types changed): it
            // names the method in its exception; this replica says what it has
            reject(callId, "the replica " + server.replica() + " runs a build of " + component + " without this method"
                    + " (id " + String.format("%08x", methodId) + "; cleave compat compares two builds), it has "
                    + hosted.descriptor().methods().stream().map(MethodDescriptor::signature).toList());
            return false;
        }
        String refusal = refusal(component);
        if (refusal != null) {
            String reason = peer.caller() + " may not call " + method.fullName() + ": " + refusal;
            server.refusedCall(wire.remoteAddress(), reason);
            reject(callId, "refused: " + reason);
            return false;
        }
        if (arguments.length > server.settings().maxMessageBytes()) {
            tooLarge(callId, method, arguments.length);
            return false;
        }
        if (goingAway || server.closing()) {
            reject(callId, "replica is shutting down");
            return false;
        }
        if (remainingMicros == 0 || remainingMicros < -1) {
            reject(callId, "deadline passed before the call started");
            return false;
        }
        if (calls.size() >= server.settings().maxCallsPerConnection()) {
            overloaded(callId, method, calls.size() + " calls already run on this connection ([transport] max-calls-per-connection)");
            return false;
        }
        if (calls.containsKey(callId)) {
            throw new Frame.MalformedFrameException("call id " + callId + " reused while that call is running");
        }
        if (!server.tryStartCall()) {
            overloaded(callId, method, "it runs " + server.settings().maxConcurrentCalls() + " calls ([transport] max-concurrent-calls)");
            return false;
        }
        Optional<LimitAlgorithm.Token> token = server.limit().tryAcquire(false);
        if (token.isEmpty()) {
            server.callEnded();
            overloaded(callId, method, "it runs " + (server.callsInFlight() + 1) + " calls, its concurrency limit now (adaptive:"
                    + " [transport] concurrency-limit-min to concurrency-limit-max)");
            return false;
        }
        Identity caller = peer;
        CallContext.Builder context = CallContext.builder().traceId(traceId).caller(caller == null ? "" : caller.caller());
        long deadline = Long.MAX_VALUE;
        if (remainingMicros > 0) {
            long nanos = TimeUnit.MICROSECONDS.toNanos(remainingMicros);
            context.remainingNanos(nanos);
            deadline = System.nanoTime() + nanos;
        }
        ServerCall call = new ServerCall(callId, hosted, method, arguments, charged, context.build(), deadline, token.get());
        calls.put(callId, call);
        if (remainingMicros > 0) {
            expiry.by(deadline);
        }
        try {
            server.executor().execute(call);
            return true;
        } catch (RejectedExecutionException e) {
            calls.remove(callId);
            call.released();
            server.callEnded();
            reject(callId, "replica is shutting down");
            return false;
        }
    }

    private void reject(int callId, String reason) {
        send(Frame.withReason(Frame.REJECT, callId, reason));
    }

    /** Sheds a call: answered at once, never run; the caller may try another replica. */
    private void overloaded(int callId, MethodDescriptor method, String why) {
        server.shed(method, why);
        send(Frame.overloaded(callId, RpcServer.OVERLOAD_RETRY_AFTER_MILLIS, "overloaded: the replica " + server.replica()
                + " sheds " + method.fullName() + ": " + why));
    }

    /**
     * Why the peer may not call this component, or null when it may (and always on plaintext,
     * where nobody is known). Asked of the authorizer once per component.
     */
    private String refusal(String component) {
        Identity caller = peer;
        if (caller == null) {
            return null;
        }
        String why = refusals.computeIfAbsent(component, c -> server.authorizer().refusal(caller, c).orElse(""));
        return why.isEmpty() ? null : why;
    }

    /** Sends a frame; a failed write closes the connection (the reader cleans up). */
    private void send(byte[] frame) {
        try {
            wire.send(frame);
        } catch (ClosedChannelException e) {
            // the connection is gone, and with it whoever waited for this frame
        }
    }

    /** On the server's timer: cancels calls whose deadline passed, then waits for the next deadline. */
    private void cancelExpired() {
        long now = System.nanoTime();
        List<Integer> expired = null;
        boolean pending = false;
        long next = 0;
        for (Map.Entry<Integer, ServerCall> e : calls.entrySet()) {
            long deadline = e.getValue().deadline;
            if (deadline == Long.MAX_VALUE) {
                continue;
            }
            if (deadline - now <= 0) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(e.getKey());
            } else if (!pending || deadline - next < 0) {
                pending = true;
                next = deadline;
            }
        }
        if (expired != null) {
            for (int id : expired) {
                ServerCall call = calls.remove(id);
                if (call != null) {
                    call.cancel();
                }
            }
        }
        if (pending) {
            expiry.by(next);
        }
    }

    void goAway(String reason) {
        if (!goingAway) {
            goingAway = true;
            send(Frame.withReason(Frame.GOAWAY, 0, reason));
        }
    }

    long stalledNanos(long now) {
        return wire.stalledNanos(now);
    }

    /** @return how long the frame arriving now has been arriving, or 0 between frames */
    long frameArrivingNanos(long now) {
        FrameReader r = wire.reader();
        return r.inFrame() ? now - r.frameStart() : 0;
    }

    /** @return how long since the last frame began to arrive (since the connection opened, before any), or 0 inside a frame */
    long quietNanos(long now) {
        FrameReader r = wire.reader();
        return r.inFrame() ? 0 : now - r.frameStart();
    }

    SocketAddress remoteAddress() {
        return wire.remoteAddress();
    }

    /** Closes without GOAWAY; {@code reset}: as a crashed process's connection ends. */
    void close(boolean reset) {
        if (reset) {
            wire.reset();
        } else {
            wire.close();
        }
        budget.close();
    }

    /** One call being served. */
    private final class ServerCall implements Runnable {
        private final int callId;
        private final RpcServer.Hosted<?> hosted;
        private final MethodDescriptor method;
        private byte[] arguments;
        /** Budget the arguments hold until decoded. */
        private final int charged;
        private final CallContext context;
        final long deadline;
        /** The concurrency limit's permit; given back once, when the call ends (then null). */
        private LimitAlgorithm.Token token;
        private Thread thread;
        private boolean cancelled;
        private boolean finished;

        ServerCall(int callId, RpcServer.Hosted<?> hosted, MethodDescriptor method, byte[] arguments, int charged,
                CallContext context, long deadline, LimitAlgorithm.Token token) {
            this.callId = callId;
            this.token = token;
            this.hosted = hosted;
            this.method = method;
            this.arguments = arguments;
            this.charged = charged;
            this.context = context;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (cancelled) {
                    budget.release(charged);
                    released();
                    server.callEnded();
                    return;
                }
                thread = Thread.currentThread();
            }
            Writer out = new Writer(128);
            try {
                Object result = context.call(() -> hosted.dispatch(method.index(), decodeArguments()));
                method.writeResult(out, result);
                // Sent, it would be dropped by the client, or break its connection; this failure says why.
                method.limitReply(out, server.settings().maxMessageBytes());
            } catch (Throwable t) {
                out.reset();
                method.writeThrown(out, t);
            }
            boolean send;
            synchronized (this) {
                thread = null;
                finished = true;
                send = !cancelled;
            }
            Thread.interrupted(); // a cancel may have interrupted us after the handler returned
            // The permit goes back before the reply: a caller at the limit that calls again as soon as
            // it has its answer must find it free.
            finished();
            if (send && calls.remove(callId, this)) {
                send(Frame.withPayload(Frame.REPLY, callId, out.buffer(), out.size()));
            }
            server.callEnded(); // after the reply is written: a draining server closes once none is running
        }

        /**
         * The call ran (to a reply, a failure or its cancellation): the limit learns how long it
         * took; a slow one lowers it. Always success(): Helidon 4.5's dropped() never takes the
         * call off its count of calls in flight, which would then only grow.
         */
        private void finished() {
            LimitAlgorithm.Token t = token;
            token = null;
            if (t != null) {
                t.success();
            }
        }

        /** The call never ran: its permit goes back without teaching the limit anything. */
        void released() {
            LimitAlgorithm.Token t = token;
            token = null;
            if (t != null) {
                t.ignore();
            }
        }

        /** Decodes the arguments and lets go of their bytes, and of the budget they held. */
        private Object[] decodeArguments() {
            try {
                return method.readArguments(new Reader(arguments));
            } finally {
                arguments = null;
                budget.release(charged);
            }
        }

        /** Cancels the handler: the caller gave up, the deadline passed or the connection closed. */
        void cancel() {
            context.cancel();
            synchronized (this) {
                if (cancelled || finished) {
                    cancelled = true;
                    return;
                }
                cancelled = true;
                if (thread != null) {
                    thread.interrupt();
                }
            }
        }
    }
}
