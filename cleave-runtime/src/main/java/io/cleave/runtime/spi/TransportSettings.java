package io.cleave.runtime.spi;

import io.cleave.spi.Invoker;
import io.cleave.spi.Wire;
import java.time.Duration;

/**
 * The transport's settings, from {@code [transport]} in {@code cleave.toml}, validated at start.
 * Every process of every topology reads the same file, so callers and callees agree on them: a
 * deployer that runs components in other processes builds its clients and servers from these,
 * and {@code single} with serialize-calls holds its calls to the same message limit.
 *
 * <p>The defaults are those of the transport's own builders, and of {@code single} without the
 * section: {@link Wire#MAX_MESSAGE_BYTES}, {@link Invoker#DEFAULT_TIMEOUT}.
 *
 * @param maxMessageBytes the most bytes a call's encoded arguments, or its encoded reply, may take;
 *     arguments over it fail at the caller before anything is sent, a reply over it is dropped,
 *     both with {@link io.cleave.MessageTooLargeException}
 * @param maxBufferedBytes memory a server holds for large frames (over 64 KiB) at once, arriving or
 *     not yet decoded; at least {@code maxMessageBytes}
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
public record TransportSettings(int maxMessageBytes, long maxBufferedBytes, Duration defaultTimeout, Duration pingInterval,
        Duration writeStallLimit, Duration connectTimeout, Duration readTimeout, Duration idleTimeout, int maxConnections,
        int maxCallsPerConnection, int maxConcurrentCalls) {

    /** @return the settings of an application without {@code [transport]} */
    public static TransportSettings defaults() {
        return new TransportSettings(Wire.MAX_MESSAGE_BYTES, 64L * 1024 * 1024, Invoker.DEFAULT_TIMEOUT, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), 1024, 1024,
                10_000);
    }
}
