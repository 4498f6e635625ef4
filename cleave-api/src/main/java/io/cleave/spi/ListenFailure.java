package io.cleave.spi;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Why a server could not listen on an address, for the message of a provider whose server
 * library logged a failed bind without saying why to its caller. A port in use is told apart by
 * what holds it: a listening process, or — when nothing listens there — a connection of this
 * machine that the kernel gave the port as its local end, which happens to a fixed port chosen
 * inside the ephemeral range once its own server is gone (after a {@code kill -9}, say), and lasts
 * as long as that connection (a pooled one: for hours).
 */
public final class ListenFailure {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private ListenFailure() {
    }

    /**
     * Tries the address as a server would and says what stands in the way.
     *
     * @param host the host or address to listen on
     * @param port the port
     * @return a sentence naming the cause, and what to do where there is something to do
     */
    public static String explain(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            return "cannot resolve the host '" + host + "'";
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as servers bind: a port whose connections are only closing is free
            probe.bind(address);
            return "the port was free when tried again: the server did not start for another reason (see the log above)";
        } catch (BindException e) {
            if (!listening(address)) {
                return "address already in use, but nothing listens on it: a connection of this machine holds port " + port
                        + " as its local end" + ephemeralRange().filter(r -> port >= r[0] && port <= r[1])
                                .map(r -> " (the port lies in this machine's ephemeral range " + r[0] + "-" + r[1]
                                        + ", from which the kernel picks the local ports of outgoing connections):"
                                        + " choose a port below " + r[0] + " or above " + r[1])
                                .orElse("; it is free again once that connection closes");
            }
            return "address already in use: another process listens on " + address.getHostString() + ":" + port;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static boolean listening(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * This machine's ephemeral port range, from which the kernel picks the local ports of outgoing
     * connections: a port a server must get back after a restart belongs outside it.
     *
     * @return the first and last port of the range, where the kernel says (Linux)
     */
    public static Optional<int[]> ephemeralRange() {
        try {
            // one line; Files.readString reads a /proc file short
            String[] bounds = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return Optional.of(new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
