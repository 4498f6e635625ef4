package io.cleave.runtime.spi;

import io.cleave.spi.Invoker;
import io.cleave.spi.Wire;
import java.time.Duration;
import java.util.Optional;

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
 * @param connectTimeout how long a client waits for a connection to open, its TLS handshake included
 * @param readTimeout how long a frame may take to arrive once it began
 * @param idleTimeout how long a server keeps a connection that sends nothing
 * @param maxConnections connections a server keeps open at once
 * @param maxCallsPerConnection calls one connection carries at once
 * @param maxConcurrentCalls calls a server runs at once
 * @param concurrencyLimit the adaptive bound on calls a server runs at once, past which it sheds them
 * @param bindHost the address servers listen on
 * @param advertiseHost the address other processes reach a server at; empty: {@code bindHost}
 * @param tls how processes prove who they are to each other
 */
public record TransportSettings(int maxMessageBytes, long maxBufferedBytes, Duration defaultTimeout, Duration pingInterval,
        Duration writeStallLimit, Duration connectTimeout, Duration readTimeout, Duration idleTimeout, int maxConnections,
        int maxCallsPerConnection, int maxConcurrentCalls, ConcurrencyLimit concurrencyLimit, String bindHost,
        Optional<String> advertiseHost, Tls tls) {

    /** @return the settings of an application without {@code [transport]} */
    public static TransportSettings defaults() {
        return new TransportSettings(Wire.MAX_MESSAGE_BYTES, 64L * 1024 * 1024, Invoker.DEFAULT_TIMEOUT, Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), 1024, 1024,
                10_000, ConcurrencyLimit.defaults(), "127.0.0.1", Optional.empty(), Tls.defaults());
    }

    /** @return where other processes reach this process's server */
    public String advertisedHost() {
        return advertiseHost.orElse(bindHost);
    }

    /**
     * A server's adaptive concurrency limit (AIMD): it starts at {@code initial}, grows by one with
     * each call that ends within {@code slowCall} while at least half of it is in use, and shrinks
     * by a tenth with each slower call, between {@code min} and {@code max}; calls past it are
     * answered at once with {@link io.cleave.OverloadedException}.
     *
     * @param initial {@code [transport] concurrency-limit}
     * @param min {@code concurrency-limit-min}
     * @param max {@code concurrency-limit-max}
     * @param slowCall {@code slow-call}
     */
    public record ConcurrencyLimit(int initial, int min, int max, Duration slowCall) {

        /** @return 100, between 10 and 1000, slow past 1 s */
        public static ConcurrencyLimit defaults() {
            return new ConcurrencyLimit(100, 10, 1000, Duration.ofSeconds(1));
        }
    }

    /**
     * Mutual TLS between an application's processes. With none of the files, the {@code multi}
     * supervisor makes a certificate authority at start and issues every process a certificate
     * for {@code certificateLifetime}, renewed before it ends; with {@code caCertificate} and
     * {@code caKey} it issues from that authority instead; with {@code certificate}, {@code key}
     * and {@code caCertificate} every process reads its own certificate from files (such as a
     * cert-manager secret's {@code tls.crt}, {@code tls.key}, {@code ca.crt}), where
     * {@code {group}} stands for its group's name ({@code supervisor} for the supervisor).
     *
     * @param enabled {@code [transport] mtls}; false: plaintext, logged as a warning by every process
     * @param caCertificate {@code ca-cert}: the trusted authority's certificate file
     * @param caKey {@code ca-key}: its private key's file, for the supervisor to issue from
     * @param certificate {@code cert}: this process's certificate file
     * @param key {@code key}: its private key's file
     * @param certificateLifetime {@code cert-lifetime}: how long issued certificates are valid
     * @param origin where {@code mtls} was set ({@code file:line}), for messages; the file when not set
     */
    public record Tls(boolean enabled, Optional<String> caCertificate, Optional<String> caKey, Optional<String> certificate,
            Optional<String> key, Duration certificateLifetime, String origin) {

        /** @return mutual TLS with a certificate authority the supervisor makes, certificates valid for an hour */
        public static Tls defaults() {
            return new Tls(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofHours(1),
                    "cleave.toml");
        }

        /** @return whether every process reads its own certificate from files */
        public boolean fromFiles() {
            return certificate.isPresent();
        }
    }
}
