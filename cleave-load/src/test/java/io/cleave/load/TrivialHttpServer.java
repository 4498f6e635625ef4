package io.cleave.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The trivial endpoint the load benchmarks hit: answers every request with {@code 200 ok} on a
 * keep-alive connection, on 127.0.0.1 only. Run it with
 * {@code java -cp <classpath> io.cleave.load.TrivialHttpServer PORT [THREADS [DELAY_MICROS]]}.
 */
public final class TrivialHttpServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;

    private TrivialHttpServer(int port, int threads, long delayMicros) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII)));
        ok.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
        channel = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof LastHttpContent) {
                                    if (delayMicros > 0) {
                                        ctx.executor().schedule(() -> ctx.writeAndFlush(ok.retainedDuplicate(), ctx.voidPromise()),
                                                delayMicros, java.util.concurrent.TimeUnit.MICROSECONDS);
                                    } else {
                                        ctx.write(ok.retainedDuplicate(), ctx.voidPromise());
                                    }
                                }
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port))
                .sync()
                .channel();
    }

    /**
     * Starts a server on 127.0.0.1; port 0 picks a free one.
     *
     * @param delayMicros how long to hold each response (without blocking), 0 to answer at once
     */
    public static TrivialHttpServer start(int port, int threads, long delayMicros) throws InterruptedException {
        return new TrivialHttpServer(port, threads, delayMicros);
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Runs the server until the process is killed.
     *
     * @param args the port, then optionally the number of event loop threads (default 1) and a
     *     delay in microseconds before each response (default 0)
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long delayMicros = args.length > 2 ? Long.parseLong(args[2]) : 0;
        TrivialHttpServer server = start(port, threads, delayMicros);
        System.out.println("trivial HTTP server on http://127.0.0.1:" + server.port() + "/ with " + threads + " thread(s), "
                + delayMicros + " us delay");
        server.channel.closeFuture().sync();
    }
}
