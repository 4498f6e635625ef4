package io.cleave.transport;

import io.cleave.CallContext;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection on the server: parses frames, runs calls, sends replies. */
final class ServerConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private final RpcServer server;
    private final Channel channel;
    private final Outbound outbound;
    /** Calls running, by call id; touched only on the event loop. */
    private final IntObjectHashMap<ServerCall> calls = new IntObjectHashMap<>();
    /** Cancels expired calls at {@link #sweepAt}, the earliest deadline of a running call; null when none is due. */
    private ScheduledFuture<?> sweeper;
    private long sweepAt;
    private boolean goingAway;

    ServerConnection(RpcServer server, Channel channel) {
        this.server = server;
        this.channel = channel;
        this.outbound = new Outbound(channel);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (server.closing()) {
            goAway("server shutting down");
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        // The caller is gone: nobody will read the replies.
        List<ServerCall> abandoned = new ArrayList<>(calls.values());
        calls.clear();
        for (ServerCall call : abandoned) {
            call.cancel();
        }
        outbound.failQueued(item -> { });
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            read(frame);
        } catch (Frame.MalformedFrameException | io.cleave.spi.CodecException e) {
            closeBecause("malformed frame: " + e.getMessage());
        } finally {
            frame.release();
        }
    }

    private void read(ByteBuf in) {
        if (in.readableBytes() < Frame.HEADER_BYTES) {
            throw new Frame.MalformedFrameException("frame of " + in.readableBytes() + " bytes is shorter than its header");
        }
        int version = in.readUnsignedByte();
        if (version != Frame.VERSION) {
            throw new Frame.MalformedFrameException("protocol version " + version + ", this server speaks " + Frame.VERSION);
        }
        int type = in.readUnsignedByte();
        int callId = in.readInt();
        switch (type) {
            case Frame.REQUEST -> request(callId, in);
            case Frame.CANCEL -> {
                ServerCall call = calls.remove(callId);
                if (call != null) {
                    call.cancel();
                }
            }
            case Frame.PING -> outbound.send(Frame.control(channel.alloc(), Frame.PONG, callId));
            case Frame.GOAWAY -> LOG.debug("client {} is going away", channel.remoteAddress());
            default -> throw new Frame.MalformedFrameException("a client may not send " + Frame.typeName(type));
        }
    }

    private void request(int callId, ByteBuf in) {
        String component = Frame.readString(in, 2, "component name");
        if (in.readableBytes() < 10) {
            throw new Frame.MalformedFrameException("truncated request header of " + component);
        }
        int methodIndex = in.readUnsignedShort();
        long remainingMicros = in.readLong();
        String traceId = Frame.readString(in, 1, "trace id");
        String caller = Frame.readString(in, 2, "caller");
        byte[] arguments = new byte[in.readableBytes()];
        in.readBytes(arguments);

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
            sweepBy(deadline);
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
        outbound.send(Frame.withReason(channel.alloc(), Frame.REJECT, callId, reason));
    }

    /**
     * Makes sure a sweep runs by {@code deadline}. On the event loop. Deadlines only move the sweep
     * earlier, so a connection wakes only when a call may have expired, not on a fixed tick.
     */
    private void sweepBy(long deadline) {
        if (sweeper != null) {
            if (sweepAt - deadline <= 0) {
                return;
            }
            sweeper.cancel(false);
        }
        sweepAt = deadline;
        sweeper = channel.eventLoop().schedule(this::cancelExpired, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Runs on the event loop: cancels calls whose deadline passed, then waits for the next deadline. */
    private void cancelExpired() {
        sweeper = null;
        long now = System.nanoTime();
        List<Integer> expired = null;
        boolean pending = false;
        long next = 0;
        for (IntObjectHashMap.PrimitiveEntry<ServerCall> e : calls.entries()) {
            long deadline = e.value().deadline;
            if (deadline == Long.MAX_VALUE) {
                continue;
            }
            if (deadline - now <= 0) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(e.key());
            } else if (!pending || deadline - next < 0) {
                pending = true;
                next = deadline;
            }
        }
        if (expired != null) {
            for (int id : expired) {
                ServerCall call = calls.remove(id);
                call.cancel();
            }
        }
        if (pending) {
            sweepBy(next);
        }
    }

    void goAway(String reason) {
        try {
            channel.eventLoop().execute(() -> {
                if (!goingAway) {
                    goingAway = true;
                    outbound.send(Frame.withReason(channel.alloc(), Frame.GOAWAY, 0, reason));
                }
            });
        } catch (RejectedExecutionException e) {
            // shut down already: nobody left to tell
        }
    }

    private void closeBecause(String reason) {
        LOG.warn("closing connection from {}: {}", channel.remoteAddress(), reason);
        channel.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            closeBecause("frame exceeds the limit of " + server.settings().maxFrameBytes() + " bytes (" + cause.getMessage() + ")");
        } else if (cause instanceof DecoderException) {
            closeBecause("undecodable frame: " + cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("connection from {} failed: {}", channel.remoteAddress(), cause.toString());
            channel.close();
        } else {
            LOG.warn("closing connection from {} after an unexpected error", channel.remoteAddress(), cause);
            channel.close();
        }
    }

    /** One call being served. */
    private final class ServerCall implements Runnable, Outbound.Item {
        private final int callId;
        private final RpcServer.Hosted<?> hosted;
        private final MethodDescriptor method;
        private final byte[] arguments;
        private final CallContext context;
        final long deadline;
        private Thread thread;
        private boolean cancelled;
        private boolean finished;
        private ByteBuf reply;

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
            server.callEnded();
            if (send) {
                reply = Frame.withPayload(channel.alloc(), Frame.REPLY, callId, out.buffer(), out.size());
                outbound.send(this);
            }
        }

        /** Cancels the handler: the caller gave up or the deadline passed. Called on the event loop. */
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

        @Override
        public ByteBuf frame() {
            return reply;
        }

        @Override
        public void beforeWrite() {
            calls.remove(callId);
        }
    }
}
