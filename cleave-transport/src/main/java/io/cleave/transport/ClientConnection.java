package io.cleave.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client connection to a replica; many calls share it, told apart by call id. */
final class ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    final Channel channel;
    final Outbound outbound;
    final Semaphore permits;
    private final ReplicaState replica;
    private final AtomicInteger nextId = new AtomicInteger(1);
    /** Calls written and awaiting a reply; touched only on the event loop. */
    private final IntObjectHashMap<PendingCall> pending = new IntObjectHashMap<>();
    volatile boolean goingAway;
    /** When the replica last sent anything: a pong, a reply, any frame proves it is alive. */
    volatile long lastHeard = System.nanoTime();
    private int pingSequence;

    ClientConnection(Channel channel, ReplicaState replica, int maxCalls) {
        this.channel = channel;
        this.outbound = new Outbound(channel);
        this.permits = new Semaphore(maxCalls);
        this.replica = replica;
    }

    boolean usable() {
        return !goingAway && channel.isActive();
    }

    int nextCallId() {
        return nextId.getAndIncrement();
    }

    void register(PendingCall call) {
        pending.put(call.id, call);
    }

    void unregister(PendingCall call) {
        pending.remove(call.id);
    }

    /** The caller gave up: forget the call and tell the server to stop it. */
    void cancel(int callId) {
        onEventLoop(() -> {
            if (pending.remove(callId) != null && channel.isActive()) {
                outbound.send(Frame.control(channel.alloc(), Frame.CANCEL, callId));
            }
        });
    }

    void ping() {
        onEventLoop(() -> outbound.send(Frame.control(channel.alloc(), Frame.PING, ++pingSequence)));
    }

    private void onEventLoop(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down: the connection is gone, and with it what the task was for
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (in.readableBytes() < Frame.HEADER_BYTES) {
                throw new Frame.MalformedFrameException("frame of " + in.readableBytes() + " bytes is shorter than its header");
            }
            int version = in.readUnsignedByte();
            if (version != Frame.VERSION) {
                throw new Frame.MalformedFrameException("protocol version " + version + ", this client speaks " + Frame.VERSION);
            }
            int type = in.readUnsignedByte();
            int callId = in.readInt();
            lastHeard = System.nanoTime();
            switch (type) {
                case Frame.REPLY -> {
                    PendingCall call = pending.remove(callId);
                    if (call != null) {
                        byte[] reply = new byte[in.readableBytes()];
                        in.readBytes(reply);
                        call.complete(reply);
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
                    goingAway = true;
                    String reason = Frame.readString(in, 2, "goaway reason");
                    LOG.info("replica {} is going away: {}", replica.replica, reason);
                    replica.goingAway(this);
                }
                default -> throw new Frame.MalformedFrameException("a server may not send " + Frame.typeName(type));
            }
        } catch (Frame.MalformedFrameException e) {
            LOG.warn("closing connection to {}: malformed frame: {}", replica.replica, e.getMessage());
            channel.close();
        } finally {
            in.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List<PendingCall> lost = new ArrayList<>(pending.values());
        pending.clear();
        PendingCall.Failure failure = new PendingCall.Failure("connection to " + replica.replica + " lost while the call was in flight", false, null);
        for (PendingCall call : lost) {
            call.complete(failure);
        }
        outbound.failQueued(item -> item.notWritten(new java.nio.channels.ClosedChannelException()));
        replica.connectionLost(this, lost.size());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            LOG.warn("closing connection to {}: {}", replica.replica, cause.getMessage());
        } else if (cause instanceof IOException) {
            LOG.debug("connection to {} failed: {}", replica.replica, cause.toString());
        } else {
            LOG.warn("closing connection to {} after an unexpected error", replica.replica, cause);
        }
        channel.close();
    }
}
