package io.cleave.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a backend that counts the connections made to it and those still open:
 * what a test needs to see that the gateway stopped probing a replica and closed its pooled connections.
 */
final class Relay implements AutoCloseable {

    /** Connections accepted so far. */
    final AtomicInteger accepted = new AtomicInteger();
    /** Connections not yet closed at both ends. */
    final AtomicInteger open = new AtomicInteger();
    private final URI target;
    private final ServerSocket server;

    Relay(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("relay-" + server.getLocalPort()).start(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.incrementAndGet();
            Thread.ofVirtual().start(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        try (client; Socket upstream = new Socket(target.getHost(), target.getPort())) {
            Thread back = Thread.ofVirtual().start(() -> copy(upstream, client));
            copy(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the connection is gone either way
        } finally {
            open.decrementAndGet();
        }
    }

    /** One direction until its end; then half-closes the other side, or closes both on a failure. */
    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing is all that is left
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
