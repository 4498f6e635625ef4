package io.cleave.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Frames waiting to be written on one connection. Any thread may {@link #send}; the event loop
 * writes everything queued and flushes once, so concurrent callers share system calls.
 */
final class Outbound {

    /** Something to write, told whether it reached the socket. */
    interface Item {
        ByteBuf frame();

        /** Called on the event loop just before the frame is written. */
        default void beforeWrite() {
        }

        /** The frame will never reach the peer (channel closed or write failed). */
        default void notWritten(Throwable cause) {
        }

        /** Whether the caller wants to hear of a failed write (costs a promise). */
        default boolean watchWrite() {
            return false;
        }
    }

    private final Channel channel;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    Outbound(Channel channel) {
        this.channel = channel;
    }

    void send(Item item) {
        queue.offer(item);
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) {
                // The event loop is shut down: the channel is gone and nothing queued will be written.
                failQueued(queued -> queued.notWritten(e));
            }
        }
    }

    void send(ByteBuf frame) {
        send(new Plain(frame));
    }

    private void drain() {
        scheduled.set(false);
        boolean open = channel.isActive();
        boolean wrote = false;
        Item item;
        while ((item = queue.poll()) != null) {
            if (!open) {
                ReferenceCountUtil.release(item.frame());
                item.notWritten(new java.nio.channels.ClosedChannelException());
                continue;
            }
            item.beforeWrite();
            if (item.watchWrite()) {
                ChannelPromise promise = channel.newPromise();
                Item watched = item;
                promise.addListener(f -> {
                    if (!f.isSuccess()) {
                        watched.notWritten(f.cause());
                    }
                });
                channel.write(item.frame(), promise);
            } else {
                channel.write(item.frame(), channel.voidPromise());
            }
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Fails everything still queued; called once the channel closed. */
    void failQueued(Consumer<Item> onEach) {
        Item item;
        while ((item = queue.poll()) != null) {
            ReferenceCountUtil.release(item.frame());
            onEach.accept(item);
        }
    }

    private record Plain(ByteBuf frame) implements Item {
    }
}
