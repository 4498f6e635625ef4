package io.cleave.web;

import io.cleave.spi.ConfigSection.ConfigError;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code X-Forwarded-For} a listener believes, as CIDR blocks. The client's
 * address is found by walking the chain from the right (the TCP peer, then each address the
 * proxies appended) past every trusted proxy: the first address not trusted is the client. An
 * address a client wrote itself sits left of what the first trusted proxy appended, so it is
 * never reached unless every hop after it is trusted.
 *
 * <p>Behind Cleave's gateway the TCP peer is trusted by what it presents, not by where it
 * connects from: a request that carries the gateway's token in
 * {@link io.cleave.spi.ServiceProvider.Request#GATEWAY_TOKEN_HEADER} came through the gateway,
 * whose last {@code X-Forwarded-For} hop is the client's TCP peer. Any other local process that
 * reaches the listener's port is the client itself.
 */
final class TrustedProxies {

    static final TrustedProxies NONE = new TrustedProxies(List.of(), null);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** A block: the address's leading {@code bits} bits. */
    private record Block(byte[] network, int bits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }

    private final List<Block> blocks;
    private final byte[] gatewayToken;

    private TrustedProxies(List<Block> blocks, byte[] gatewayToken) {
        this.blocks = List.copyOf(blocks);
        this.gatewayToken = gatewayToken;
    }

    /**
     * These proxies, and a peer that presents the gateway's token.
     *
     * @param token what the gateway sends in {@link io.cleave.spi.ServiceProvider.Request#GATEWAY_TOKEN_HEADER}
     */
    TrustedProxies behindGateway(String token) {
        return new TrustedProxies(blocks, token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses CIDR blocks ({@code "10.0.0.0/8"}, {@code "fd00::/8"}); an address alone is a block of one.
     *
     * @param key where they come from, for messages, such as {@code [listeners.web] trusted-proxies}
     * @throws ConfigError naming the key and the value when one is not a CIDR block of literal addresses
     */
    static TrustedProxies parse(String key, List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            String text = cidr.strip();
            int slash = text.indexOf('/');
            Optional<byte[]> network = literal(slash < 0 ? text : text.substring(0, slash));
            int max = network.map(n -> n.length * 8).orElse(0);
            int bits = max;
            if (network.isPresent() && slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
            }
            if (network.isEmpty() || bits < 0 || bits > max) {
                throw new ConfigError(key + ": \"" + cidr + "\" is not a CIDR block such as \"10.0.0.0/8\","
                        + " \"192.168.1.10\" or \"fd00::/8\" (addresses only, no host names)");
            }
            blocks.add(new Block(network.get(), bits));
        }
        return new TrustedProxies(blocks, null);
    }

    /** The bytes of an IP literal; empty for anything else (never a DNS lookup). */
    private static Optional<byte[]> literal(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            return Optional.empty();
        }
        if (IPV4.matcher(t).matches()) {
            for (String part : t.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            return Optional.of(InetAddress.getByName(t).getAddress());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the one token presented is the gateway's (compared in constant time). */
    private boolean isGateway(List<String> presented) {
        return gatewayToken != null && presented.size() == 1
                && MessageDigest.isEqual(gatewayToken, presented.get(0).getBytes(StandardCharsets.UTF_8));
    }

    private boolean trusts(String address) {
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && blocks.stream().anyMatch(b -> b.contains(bytes.get()));
    }

    /**
     * The client's address.
     *
     * @param peer the TCP peer's address
     * @param forwardedFor the values of every {@code X-Forwarded-For} header, in order
     * @param presented the values of the gateway token header, in order
     * @return the rightmost address of the chain that is not a trusted proxy; the peer when it is not
     *     trusted (neither in a block nor presenting the gateway's token) or sent no header; the
     *     leftmost when every hop is trusted
     */
    String clientAddress(String peer, List<String> forwardedFor, List<String> presented) {
        if (!isGateway(presented) && !trusts(peer)) {
            return peer;
        }
        List<String> chain = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    chain.add(hop.strip());
                }
            }
        }
        String client = peer;
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (literal(hop).isEmpty()) {
                return client; // what the trusted hop after it was handed is not an address: stop at that hop
            }
            client = hop;
            if (!trusts(hop)) {
                return hop;
            }
        }
        return client;
    }
}
