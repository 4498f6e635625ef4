package io.cleave.deploy;

import io.cleave.runtime.spi.TransportSettings;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;

/** The transport's clients and servers of a multi deployment, built from {@code [transport]}. */
final class Transport {

    private Transport() {
    }

    /**
     * @param caller this process's identity, sent with every call
     * @return a client builder with every setting of {@code [transport]} a client uses
     */
    static RpcClient.Builder client(TransportSettings settings, String caller) {
        return RpcClient.builder()
                .caller(caller)
                .maxMessageBytes(settings.maxMessageBytes())
                .defaultTimeout(settings.defaultTimeout())
                .pingInterval(settings.pingInterval())
                .connectTimeout(settings.connectTimeout())
                .maxCallsPerConnection(settings.maxCallsPerConnection());
    }

    /** @return a server builder with every setting of {@code [transport]} a server uses */
    static RpcServer.Builder server(TransportSettings settings) {
        return RpcServer.builder()
                .maxMessageBytes(settings.maxMessageBytes())
                .maxBufferedBytes(settings.maxBufferedBytes())
                .writeStallLimit(settings.writeStallLimit())
                .readTimeout(settings.readTimeout())
                .idleTimeout(settings.idleTimeout())
                .maxConnections(settings.maxConnections())
                .maxCallsPerConnection(settings.maxCallsPerConnection())
                .maxConcurrentCalls(settings.maxConcurrentCalls());
    }
}
