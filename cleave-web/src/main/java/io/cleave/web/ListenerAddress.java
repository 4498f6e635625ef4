package io.cleave.web;

import io.cleave.spi.ConfigSection.ConfigError;

/**
 * Where a listener binds.
 *
 * @param host a host name or IP literal (IPv6 without brackets)
 * @param port the port; 0 for any free one
 */
record ListenerAddress(String host, int port) {

    static final ListenerAddress WEB_DEFAULT = new ListenerAddress("127.0.0.1", 8080);

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @throws ConfigError naming the listener and the key when malformed
     */
    static ListenerAddress parse(String listener, String value) {
        return parse(listener, value, "[listeners] " + listener);
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}.
     *
     * @param key the key holding it, for the message, such as {@code [listeners.web] address}
     * @throws ConfigError naming the key when malformed
     */
    static ListenerAddress parse(String listener, String value, String key) {
        String v = value.strip();
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? "" : v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            host = "";
        }
        int port = -1;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(v.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new ConfigError(key + " = \"" + value + "\": expected \"host:port\" such as"
                    + " \"127.0.0.1:8080\", \"0.0.0.0:80\" or \"[::1]:8080\"; port 0 picks a free port");
        }
        return new ListenerAddress(host, port);
    }

    /** The host to put in a URL: loopback for a wildcard address, brackets for IPv6. */
    String urlHost() {
        if (host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            return "[::1]";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
