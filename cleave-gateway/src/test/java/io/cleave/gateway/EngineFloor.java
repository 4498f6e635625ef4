package io.cleave.gateway;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.CountDownLatch;

/**
 * What an engine costs before any gateway logic, for {@code bench/gateway.sh}: the least reverse
 * proxy each candidate can be (no balancing, limits, retries or header policy; only hop-by-hop
 * {@code Connection} dropped and {@code X-Forwarded-For} set), so the gateway's gap to nginx splits
 * into the engine's floor and what the gateway adds on top.
 *
 * <p>{@code EngineFloor helidon|netty <port> <upstream port> [event loops]}: {@code helidon} is
 * Helidon's WebServer and HTTP/1.1 WebClient on virtual threads as {@code cleave-gateway} configures
 * its client, but with the server's default NIO sockets (the gateway's blocking sockets, which let a
 * read timeout end a silent client, cost more); {@code netty} is Netty's HTTP codec on epoll event
 * loops, each client connection with its own keep-alive upstream connection on the same loop.
 */
public final class EngineFloor {

    private EngineFloor() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        int upstream = Integer.parseInt(args[2]);
        switch (args[0]) {
            case "helidon" -> helidon(port, upstream);
            case "netty" -> netty(port, upstream, args.length > 3 ? Integer.parseInt(args[3]) : 2);
            default -> throw new IllegalArgumentException("engine " + args[0] + ": helidon or netty");
        }
        System.out.println("floor " + args[0] + " on 127.0.0.1:" + port);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void helidon(int port, int upstream) {
        Http1Client client = WebClient.builder().servicesDiscoverServices(false).keepAlive(true)
                .proxy(io.helidon.webclient.api.Proxy.noProxy())
                .socketOptions(io.helidon.common.socket.SocketOptions.builder().tcpNoDelay(true).build())
                .connectionCacheSize(1024).shareConnectionCache(false).build()
                .client(Http1Client.PROTOCOL, FrontDoor.UPSTREAM_HTTP1);
        String base = "http://127.0.0.1:" + upstream;
        WebServer.builder().shutdownHook(false).host("127.0.0.1").port(port).featuresDiscoverServices(false)
                .protocolsDiscoverServices(false).concurrencyLimitDiscoverServices(false)
                .addProtocol(Http1Config.builder().validateResponseHeaders(false).build())
                .routing(r -> r.any((req, res) -> {
                    try (HttpClientResponse up = client.get(base + req.prologue().uriPath().rawPath())
                            .header(Proxy.X_FORWARDED_FOR, req.remotePeer().host()).request()) {
                        res.status(up.status());
                        res.send(up.entity().as(byte[].class));
                    }
                }))
                .build().start();
    }

    private static void netty(int port, int upstream, int loops) throws InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new NettyFront(upstream));
                    }
                })
                .bind("127.0.0.1", port).sync();
    }

    /** A client connection's requests, each sent on its own upstream connection. */
    private static final class NettyFront extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final int upstreamPort;
        private Channel upstream;

        NettyFront(int upstreamPort) {
            this.upstreamPort = upstreamPort;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            req.headers().remove(HttpHeaderNames.CONNECTION);
            req.headers().set("X-Forwarded-For", "127.0.0.1");
            req.retain();
            if (upstream != null) {
                upstream.writeAndFlush(req);
                return;
            }
            Channel inbound = ctx.channel();
            var connecting = new Bootstrap().group(inbound.eventLoop()).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                    new NettyBack(inbound));
                        }
                    })
                    .connect("127.0.0.1", upstreamPort);
            upstream = connecting.channel();
            inbound.closeFuture().addListener(f -> upstream.close());
            connecting.addListener(f -> upstream.writeAndFlush(req));
        }
    }

    /** An upstream connection's responses, written to its client connection. */
    private static final class NettyBack extends SimpleChannelInboundHandler<FullHttpResponse> {

        private final Channel inbound;

        NettyBack(Channel inbound) {
            this.inbound = inbound;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            res.headers().remove(HttpHeaderNames.CONNECTION);
            inbound.writeAndFlush(res.retain());
        }
    }
}
