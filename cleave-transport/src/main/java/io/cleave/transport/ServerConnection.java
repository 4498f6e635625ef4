package io.cleave.transport;

import io.cleave.CallContext;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection on the server: a reader thread parses frames and starts calls; each
 * call's handler writes its own reply.
 */
final class ServerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private final RpcServer server;
    private final Wire wire;
    /** Calls running, by call id. */
    private final ConcurrentHashMap<Integer, ServerCall> calls = new ConcurrentHashMap<>();
    /** Cancels calls at the earliest deadline of a running call. */
    private final DeadlineSweep expiry;
    private volatile boolean goingAway;

    ServerConnection(RpcServer server, Wire wire) {
        this.server = server;
        this.wire = wire;
        this.expiry = new DeadlineSweep(server.timer(), this::cancelExpired);
    }

    void start() {
        Thread.ofPlatform().daemon().name("cleave-server-reader").start(this::readCalls);
    }

    private void readCalls() {
        try {
            if (server.closing()) {
                goAway("server shutting down");
            }
            ByteBuffer frame;
            while ((frame = wire.receive()) != null) {
                read(frame);
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
            wire.close();
            closed();
        }
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

    private void read(ByteBuffer in) {
        int type = Frame.readType(in, "server");
        int callId = in.getInt();
        switch (type) {
            case Frame.REQUEST -> request(callId, in);
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

    private void request(int callId, ByteBuffer in) {
        String component = Frame.readString(in, 2, "component name");
        if (in.remaining() < 10) {
            throw new Frame.MalformedFrameException("truncated request header of " + component);
        }
        int methodIndex = in.getShort() & 0xffff;
        long remainingMicros = in.getLong();
        String traceId = Frame.readString(in, 1, "trace id");
        String caller = Frame.readString(in, 2, "caller");
        byte[] arguments = Frame.rest(in);

        RpcServer.Hosted<?> hosted = server.component(component);
        if (hosted == null) {
            reject(callId, "no component \"" + component + "\" here; this server hosts " + server.componentNames());
            return;
        }
        List<MethodDescriptor> methods = hosted.descriptor().methods();
        if (methodIndex >= methods.size()) {
            reject(callId, component + " has no method #" + methodIndex + " (it has " + methods.size()
                    + "): caller and callee were built from different versions");
            return;
        }
        if (goingAway || server.closing()) {
            reject(callId, "replica is shutting down");
            return;
        }
        if (remainingMicros == 0 || remainingMicros < -1) {
            reject(callId, "deadline passed before the call started");
            return;
        }
        if (calls.size() >= server.settings().maxCallsPerConnection()) {
            reject(callId, "overloaded: " + calls.size() + " calls already running on this connection");
            return;
        }
        if (calls.containsKey(callId)) {
            throw new Frame.MalformedFrameException("call id " + callId + " reused while that call is running");
        }
        if (!server.tryStartCall()) {
            reject(callId, "overloaded: server runs " + server.settings().maxConcurrentCalls() + " calls");
            return;
        }
        CallContext.Builder context = CallContext.builder().traceId(traceId).caller(caller);
        long deadline = Long.MAX_VALUE;
        if (remainingMicros > 0) {
            long nanos = TimeUnit.MICROSECONDS.toNanos(remainingMicros);
            context.remainingNanos(nanos);
            deadline = System.nanoTime() + nanos;
        }
        ServerCall call = new ServerCall(callId, hosted, methods.get(methodIndex), arguments, context.build(), deadline);
        calls.put(callId, call);
        if (remainingMicros > 0) {
            expiry.by(deadline);
        }
        try {
            server.executor().execute(call);
        } catch (RejectedExecutionException e) {
            calls.remove(callId);
            server.callEnded();
            reject(callId, "replica is shutting down");
        }
    }

    private void reject(int callId, String reason) {
        send(Frame.withReason(Frame.REJECT, callId, reason));
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
    }

    /** One call being served. */
    private final class ServerCall implements Runnable {
        private final int callId;
        private final RpcServer.Hosted<?> hosted;
        private final MethodDescriptor method;
        private final byte[] arguments;
        private final CallContext context;
        final long deadline;
        private Thread thread;
        private boolean cancelled;
        private boolean finished;

        ServerCall(int callId, RpcServer.Hosted<?> hosted, MethodDescriptor method, byte[] arguments,
                CallContext context, long deadline) {
            this.callId = callId;
            this.hosted = hosted;
            this.method = method;
            this.arguments = arguments;
            this.context = context;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (cancelled) {
                    server.callEnded();
                    return;
                }
                thread = Thread.currentThread();
            }
            Writer out = new Writer(128);
            try {
                Object result = context.call(() -> hosted.dispatch(method.index(), method.readArguments(new Reader(arguments))));
                method.writeResult(out, result);
                // a reply the client cannot take would close the connection under its other calls
                method.limitReply(out, Frame.payloadLimit(server.settings().maxFrameBytes(), Frame.HEADER_BYTES));
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
            if (send && calls.remove(callId, this)) {
                send(Frame.withPayload(Frame.REPLY, callId, out.buffer(), out.size()));
            }
            server.callEnded(); // after the reply is written: a draining server closes once none is running
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
