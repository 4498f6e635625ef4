package io.cleave.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Asks every replica {@code HEAD /} each {@link #INTERVAL}, on a fresh connection with a
 * {@link #TIMEOUT} for connecting and for the status line. Any HTTP status means alive; no answer
 * ejects the replica until a later probe answers, which is what catches a process that accepts
 * connections but never answers (stopped, or wedged), and keeps it out between two probes.
 */
final class HealthProbe implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Long enough for the next probe to have failed too before an unanswering replica could return. */
    static final Duration HOLD = INTERVAL.plus(TIMEOUT).plus(Duration.ofSeconds(1));

    private final Supplier<Collection<Upstreams>> listeners;
    private final Thread thread;
    private volatile boolean closed;

    HealthProbe(Supplier<Collection<Upstreams>> listeners) {
        this.listeners = listeners;
        this.thread = Thread.ofVirtual().name("cleave-gateway-probe").start(this::run);
    }

    private void run() {
        while (!closed) {
            for (Upstreams u : listeners.get()) {
                for (Replica r : u.all()) {
                    if (r.retired()) {
                        continue; // listed a moment ago by a list taken before it was removed
                    }
                    Thread.ofVirtual().name("cleave-gateway-probe-" + r.uri().getRawAuthority()).start(() -> probe(u, r));
                }
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(Upstreams listener, Replica replica) {
        long now = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(replica.uri().getHost(), replica.uri().getPort()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("HEAD / HTTP/1.1\r\nHost: " + replica.uri().getRawAuthority()
                    + "\r\nUser-Agent: cleave-gateway-probe\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] status = in.readNBytes(5);
            if (!new String(status, StandardCharsets.US_ASCII).equals("HTTP/")) {
                throw new IOException("not an HTTP answer");
            }
            replica.succeed(System.nanoTime());
        } catch (IOException e) {
            if (!closed && !replica.retired() && replica.failProbe(now, HOLD, "probe HEAD / got no answer: " + e.getMessage())) {
                Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: replica " + replica + " of "
                        + listener.label() + " ejected: " + replica.lastFailure());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
