package io.cleave.gateway;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The edge cache's part of {@code [gateway]}: which path prefixes are cacheable and for how long
 * ({@code cache-ttl}, {@code cache-stale}, {@code cache-with-cookies} in
 * {@code [gateway.routes."/prefix"]}), the bound on cached bytes ({@code cache-size}) and who may
 * purge ({@code purge-from}).
 *
 * @param routes cacheable prefixes, longest first; empty when the cache is off
 * @param maxBytes the bound on cached bytes (bodies and headers)
 * @param purgeFrom address blocks a purge is accepted from
 */
record CacheSettings(List<Route> routes, long maxBytes, List<AddressBlock> purgeFrom) {

    static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    static final List<String> DEFAULT_PURGE_FROM = List.of("127.0.0.0/8", "::1/128");

    /**
     * GET and HEAD under a prefix may be answered from the cache.
     *
     * @param prefix the path prefix, such as {@code /api/products}
     * @param ttl how long a response stays fresh (shortened by the response's {@code s-maxage} or {@code max-age})
     * @param stale how long after that it may still be served while one request refreshes it
     * @param withCookies whether requests carrying a {@code Cookie} header use the cache
     */
    record Route(String prefix, Duration ttl, Duration stale, boolean withCookies) {
    }

    /** An address block in CIDR notation, such as {@code 127.0.0.0/8}. */
    record AddressBlock(String text, byte[] network, int bits) {

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[whole] & mask) == (network[whole] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Whether the cache has anything to do: some route has {@code cache-ttl}. */
    boolean enabled() {
        return !routes.isEmpty();
    }

    /** The cacheable route a path is under (its longest prefix), if any. */
    Optional<Route> routeFor(String path) {
        for (Route r : routes) {
            if (covers(r.prefix(), path)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code path} is {@code prefix} or under it, as the gateway's routes match. */
    static boolean covers(String prefix, String path) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || prefix.endsWith("/")
                || path.charAt(prefix.length()) == '/');
    }

    /**
     * Reads the cache keys of {@code [gateway]} and its route tables ({@link GatewaySettings#read} has
     * already refused unknown keys).
     *
     * @throws ConfigError naming the key at fault and what would be valid
     */
    static CacheSettings read(ConfigSection s) {
        List<Route> routes = new ArrayList<>();
        if (s.subsections().contains("routes")) {
            ConfigSection table = s.subsection("routes");
            for (String prefix : table.subsections()) {
                ConfigSection r = table.subsection(prefix);
                route(prefix, r).ifPresent(routes::add);
            }
        }
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        String at = "[" + s.path() + "] ";
        if (routes.isEmpty() && (s.has("cache-size") || s.has("purge-from"))) {
            throw new ConfigError(at + (s.has("cache-size") ? "cache-size" : "purge-from") + " tunes the edge cache,"
                    + " which no route turns on; add cache-ttl = \"30s\" to a [gateway.routes.\"/prefix\"] table");
        }
        long maxBytes = s.has("cache-size") ? GatewaySettings.size(s, "cache-size") : DEFAULT_MAX_BYTES;
        List<String> purgeFrom = s.has("purge-from") ? s.strings("purge-from") : DEFAULT_PURGE_FROM;
        List<AddressBlock> blocks = new ArrayList<>();
        for (String text : purgeFrom) {
            blocks.add(block(at, text.strip()));
        }
        return new CacheSettings(List.copyOf(routes), maxBytes, List.copyOf(blocks));
    }

    private static Optional<Route> route(String prefix, ConfigSection r) {
        String at = "[" + r.path() + "] ";
        if (!r.has("cache-ttl")) {
            if (r.has("cache-stale") || r.has("cache-with-cookies")) {
                throw new ConfigError(at + (r.has("cache-stale") ? "cache-stale" : "cache-with-cookies") + " tunes"
                        + " cache-ttl, which is not set; add cache-ttl = \"30s\" (how long an answer stays fresh)");
            }
            return Optional.empty();
        }
        Duration ttl = r.positiveDuration("cache-ttl", Duration.ZERO);
        Duration stale = r.has("cache-stale") ? r.duration("cache-stale") : Duration.ZERO;
        if (stale.isNegative()) {
            throw new ConfigError(at + "cache-stale = " + stale + ": expected zero or more, such as \"10s\" (how long"
                    + " an expired answer may still be served while one request refreshes it)");
        }
        boolean withCookies = r.has("cache-with-cookies") && r.bool("cache-with-cookies");
        return Optional.of(new Route(prefix, ttl, stale, withCookies));
    }

    private static AddressBlock block(String at, String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        // only literal addresses: a name here would be looked up in DNS
        if (!host.isEmpty() && (host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            try {
                byte[] network = InetAddress.getByName(host).getAddress();
                int max = network.length * 8;
                String bitsText = slash < 0 ? String.valueOf(max) : text.substring(slash + 1);
                if (bitsText.matches("\\d{1,3}") && Integer.parseInt(bitsText) <= max) {
                    return new AddressBlock(text, network, Integer.parseInt(bitsText));
                }
            } catch (UnknownHostException e) {
                // answered below
            }
        }
        throw new ConfigError(at + "purge-from: \"" + text + "\" is not an address block; expected an address or"
                + " CIDR block such as \"127.0.0.0/8\", \"10.1.2.3\" or \"::1/128\"");
    }
}
