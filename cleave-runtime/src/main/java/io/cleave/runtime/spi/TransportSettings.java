package io.cleave.runtime.spi;

import java.time.Duration;

/**
 * The transport's settings, from {@code [transport]} in {@code cleave.toml}, validated at start.
 * Every process of every topology reads the same file, so callers and callees agree on them: a
 * deployer that runs components in other processes builds its clients and servers from these,
 * and {@code single} with serialize-calls holds its calls to the same message limit.
 *
 * <p>The defaults are those of the transport's own builders.
 *
 * @param maxFrameBytes the largest message, request or reply, as a frame (a small header plus the
 *     encoded arguments or result); a request over it fails at the caller before it is sent
 * @param maxBufferedBytes memory a server holds for large frames (over 64 KiB) at once, arriving or
 *     not yet decoded; at least {@code maxFrameBytes}
 * @param defaultTimeout the deadline of a call made without one, or with a later one
 * @param pingInterval how often clients ping an idle connection; a replica with calls outstanding
 *     that stops answering is marked unhealthy within 0.9 of it
 * @param writeStallLimit how long a server waits for a client that takes nothing of a reply
 * @param connectTimeout how long a client waits for a connection to open
 * @param readTimeout how long a frame may take to arrive once it began
 * @param idleTimeout how long a server keeps a connection that sends nothing
 * @param maxConnections connections a server keeps open at once
 * @param maxCallsPerConnection calls one connection carries at once
 * @param maxConcurrentCalls calls a server runs at once
 */
public record TransportSettings(int maxFrameBytes, long maxBufferedBytes, Duration defaultTimeout, Duration pingInterval,
        Duration writeStallLimit, Duration connectTimeout, Duration readTimeout, Duration idleTimeout, int maxConnections,
        int maxCallsPerConnection, int maxConcurrentCalls) {

    /** @return the settings of an application without {@code [transport]} */
    public static TransportSettings defaults() {
        return new TransportSettings(16 * 1024 * 1024, 64L * 1024 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), 1024, 1024,
                10_000);
    }
}
