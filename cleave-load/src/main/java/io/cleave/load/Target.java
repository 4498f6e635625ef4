package io.cleave.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where the load goes: one HTTP address. Only loopback unless remote targets are allowed.
 *
 * @param basePath prefix for every scenario path, without a trailing slash (empty for none)
 * @param request the path and query of the URL, for a run without a scenario file
 */
record Target(String authority, String hostHeader, InetSocketAddress address, String basePath, String request) {

    static Target of(URI uri, boolean allowRemote) {
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("target " + uri + ": only http:// targets are supported"
                    + (uri.getScheme() == null ? " (write the scheme, such as http://127.0.0.1:8080/)" : ""));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("target " + uri + " has no host; write it like http://127.0.0.1:8080/");
        }
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        InetAddress address;
        try {
            address = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("target " + uri + ": unknown host \"" + host + "\"");
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException("target " + uri + " is not on this machine (" + address.getHostAddress()
                    + " is not a loopback address); load is only sent to 127.0.0.1, ::1 or localhost unless remote targets are allowed explicitly");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String request = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String authority = host + ":" + port;
        String hostHeader = port == 80 ? host : authority;
        return new Target(authority, hostHeader, new InetSocketAddress(address, port), basePath, request);
    }
}
