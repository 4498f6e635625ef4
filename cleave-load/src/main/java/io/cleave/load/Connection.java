package io.cleave.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;

/**
 * One keep-alive HTTP/1.1 connection to the target, carrying one request at a time. Reports
 * every outcome to its {@link Worker}; runs on the worker's event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter {

    /** Responses larger than this are not kept for extraction. */
    private static final int MAX_BODY = 8 * 1024 * 1024;

    private final Worker worker;
    private final Ticker ticker;
    /** When the last bytes from the target were read, before the HTTP decoder saw them. */
    private long readAt;
    private Channel channel;
    private Exchange inFlight;
    private int status;
    private boolean keepAlive;
    private ByteArrayOutputStream body;
    private boolean bodyTooLarge;
    private boolean active;

    Connection(Worker worker, Ticker ticker) {
        this.worker = worker;
        this.ticker = ticker;
    }

    /**
     * The handler to put between the socket and the HTTP codec. It takes a request's send time
     * when its encoded bytes are flushed to the socket, and a response's arrival time when its
     * bytes are read, before they are decoded: latency from send is the time on the wire and in
     * the target, as wrk measures it, without this process's encoding and decoding.
     */
    ChannelDuplexHandler wire() {
        return new ChannelDuplexHandler() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                if (inFlight != null && inFlight.sentAt == 0) {
                    inFlight.sentAt = ticker.nanoTime();
                }
                ctx.flush();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                readAt = ticker.nanoTime();
                ctx.fireChannelRead(msg);
            }
        };
    }

    Exchange inFlight() {
        return inFlight;
    }

    /** Writes the request; its send time is taken when the encoded bytes go to the socket. */
    void send(Exchange exchange) {
        inFlight = exchange;
        status = 0;
        body = exchange.step.needsBody() ? new ByteArrayOutputStream(512) : null;
        bodyTooLarge = false;
        channel.writeAndFlush(exchange.request, channel.voidPromise());
        exchange.request = null;
    }

    /** Gives up on the request in flight (the worker reports it) and closes the connection. */
    Exchange abandon() {
        Exchange exchange = inFlight;
        inFlight = null;
        channel.close();
        return exchange;
    }

    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        active = true;
        worker.connected(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (inFlight == null) {
                return; // a response after we gave up on its request: the channel is closing
            }
            if (msg instanceof HttpResponse response) {
                if (response.decoderResult().isFailure()) {
                    Exchange exchange = abandon();
                    worker.failed(exchange, "invalid response");
                    return;
                }
                status = response.status().code();
                keepAlive = HttpUtil.isKeepAlive(response);
            }
            if (msg instanceof HttpContent content) {
                if (content.decoderResult().isFailure()) {
                    Exchange exchange = abandon();
                    worker.failed(exchange, "invalid response");
                    return;
                }
                if (body != null && !bodyTooLarge) {
                    ByteBuf bytes = content.content();
                    if (body.size() + bytes.readableBytes() > MAX_BODY) {
                        bodyTooLarge = true;
                    } else {
                        bytes.readBytes(body, bytes.readableBytes());
                    }
                }
            }
            if (msg instanceof LastHttpContent && status >= 200) {
                Exchange exchange = inFlight;
                inFlight = null;
                byte[] bytes = body == null || bodyTooLarge ? null : body.toByteArray();
                body = null;
                if (keepAlive) {
                    worker.completed(this, exchange, status, bytes, readAt);
                } else {
                    channel.close();
                    worker.completed(null, exchange, status, bytes, readAt);
                }
            }
        } catch (java.io.IOException e) {
            // ByteArrayOutputStream does not throw; kept for the signature of readBytes
            throw new java.io.UncheckedIOException(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange exchange = inFlight;
        inFlight = null;
        if (active) {
            active = false;
            worker.lost(this, exchange);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // the request in flight, if any, is reported as "closed" when the channel goes inactive
        ctx.close();
    }
}
