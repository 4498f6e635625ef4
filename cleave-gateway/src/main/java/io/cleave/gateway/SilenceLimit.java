package io.cleave.gateway;

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
 * Helidon's options for accepted connections plus a read timeout on each socket, so a client
 * silent for {@code read-timeout} (in its TLS handshake, headers, body, or between requests) is
 * disconnected: Helidon 4 sets none on the sockets it accepts. The same idea as cleave-web's
 * {@code ReadDeadline}, which is package-private there.
 */
final class SilenceLimit implements SocketOptions {

    /** Helidon's defaults but TCP_NODELAY: a response (or HTTP/2 frame) written in parts must not wait for the peer's delayed ACK. */
    private final SocketOptions helidon = SocketOptions.builder().tcpNoDelay(true).build();
    private final int millis;

    SilenceLimit(Duration timeout) {
        this.millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    @Override
    public void configureSocket(SocketChannel channel) {
        configureSocket(channel.socket());
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
