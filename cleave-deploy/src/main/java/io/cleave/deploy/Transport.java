package io.cleave.deploy;

import io.cleave.runtime.spi.TransportSettings;
import io.cleave.transport.Authorizer;
import io.cleave.transport.Credentials;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;
import java.util.Optional;

/** The transport's clients and servers of a multi deployment, built from {@code [transport]}. */
final class Transport {

    private Transport() {
    }

    /**
     * @param credentials this process's, or empty for plaintext
     * @return a client builder with every setting of {@code [transport]} a client uses
     */
    static RpcClient.Builder client(TransportSettings settings, Optional<Credentials> credentials) {
        RpcClient.Builder b = RpcClient.builder()
                .maxMessageBytes(settings.maxMessageBytes())
                .defaultTimeout(settings.defaultTimeout())
                .pingInterval(settings.pingInterval())
                .connectTimeout(settings.connectTimeout())
                .maxCallsPerConnection(settings.maxCallsPerConnection());
        credentials.ifPresent(b::tls);
        return b;
    }

    /**
     * @param credentials this process's, or empty for plaintext
     * @param authorizer who may call which component, when with credentials
     * @return a server builder with every setting of {@code [transport]} a server uses
     */
    static RpcServer.Builder server(TransportSettings settings, Optional<Credentials> credentials, Authorizer authorizer) {
        TransportSettings.ConcurrencyLimit limit = settings.concurrencyLimit();
        RpcServer.Builder b = RpcServer.builder()
                .bindHost(settings.bindHost())
                .maxMessageBytes(settings.maxMessageBytes())
                .maxBufferedBytes(settings.maxBufferedBytes())
                .writeStallLimit(settings.writeStallLimit())
                .readTimeout(settings.readTimeout())
                .idleTimeout(settings.idleTimeout())
                .maxConnections(settings.maxConnections())
                .maxCallsPerConnection(settings.maxCallsPerConnection())
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .concurrencyLimit(limit.initial(), limit.min(), limit.max(), limit.slowCall());
        credentials.ifPresent(c -> b.tls(c, authorizer));
        return b;
    }

    /** The loud warning every process of a plaintext deployment logs at start. */
    static String plaintextWarning(TransportSettings settings) {
        return "[transport] mtls = false (" + settings.tls().origin() + "): calls between this application's processes are"
                + " PLAINTEXT, neither encrypted nor authenticated, and any process that can reach their ports may call any"
                + " component; use it only where nothing else can reach them";
    }
}
