package io.cleave.web;

import io.helidon.common.socket.SocketOptions;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Helidon's options for accepted connections, plus a read timeout on each socket: a client that
 * sends nothing for that long (during the TLS handshake, within a request, or between requests
 * on a kept-alive connection) has its connection closed. Helidon 4 sets no read timeout on the
 * connections it accepts, and its idle-connection check interrupts a connection only while it
 * waits for a request line, so a client that stalls in its headers, its body or its TLS handshake
 * would hold a connection and a thread for ever; this is the one hook where each accepted socket
 * passes through our code before Helidon reads from it.
 */
final class ReadDeadline implements SocketOptions {

    /** Helidon's defaults but TCP_NODELAY: a response (or HTTP/2 frame) written in parts must not wait for the peer's delayed ACK. */
    private final SocketOptions helidon = SocketOptions.builder().tcpNoDelay(true).build();
    private final int millis;

    ReadDeadline(Duration timeout) {
        this.millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    @Override
    public void configureSocket(SocketChannel channel) {
        helidon.configureSocket(channel);
        try {
            // the socket adaptor honours SO_TIMEOUT for the blocking reads Helidon makes through it
            channel.socket().setSoTimeout(millis);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void configureSocket(Socket socket) {
        helidon.configureSocket(socket);
        try {
            socket.setSoTimeout(millis);
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return helidon.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return helidon.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return Duration.ofMillis(millis);
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return helidon.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return helidon.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return helidon.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return helidon.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return helidon.tcpNoDelay();
    }
}
