package io.cleave.transport;

import java.net.InetSocketAddress;

/**
 * The address of one replica of a component: where its {@link RpcServer} listens.
 *
 * @param host a host name or IP address literal
 * @param port the TCP port, in {@code [1, 65535]}
 */
public record Replica(String host, int port) {

    /**
     * Validates the address.
     *
     * @throws IllegalArgumentException if the host is blank or the port out of range
     */
    public Replica {
        if (host.isBlank()) {
            throw new IllegalArgumentException("replica host is blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("replica " + host + ": port " + port + " is outside [1, 65535]");
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @param address such as {@code 127.0.0.1:7001}
     * @return the replica
     * @throws IllegalArgumentException if the text is not {@code host:port} with a valid port
     */
    public static Replica parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("replica address \"" + address + "\" is not host:port");
        }
        try {
            return new Replica(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replica address \"" + address + "\": port is not a number", e);
        }
    }

    /**
     * @param address a socket address
     * @return the replica at that address
     */
    public static Replica of(InetSocketAddress address) {
        return new Replica(address.getHostString(), address.getPort());
    }

    /** @return {@code host:port}, as used in messages and {@link io.cleave.RemoteFailureException#replica()} */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
