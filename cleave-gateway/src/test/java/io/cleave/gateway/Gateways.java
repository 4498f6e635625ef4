package io.cleave.gateway;

import io.cleave.runtime.TomlConfig;
import io.cleave.runtime.spi.Gateway;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.LongSupplier;

/** Starts the gateway as a deployer would: found by ServiceLoader, configured by {@code cleave.toml} text. */
final class Gateways {

    /** What the gateways started here present to their upstreams. */
    static final String TOKEN = "test-gateway-token";

    private Gateways() {
    }

    static Gateway provider() {
        return ServiceLoader.load(Gateway.class).findFirst().orElseThrow();
    }

    /** A gateway with one listener, {@code web}, on a free loopback port, sending to these replicas. */
    static FrontDoor start(String application, String gatewayToml, List<URI> replicas) throws Exception {
        Gateway.Running running = provider().start(application, TomlConfig.section("[gateway]\n" + gatewayToml, "gateway"),
                Map.of("web", new InetSocketAddress("127.0.0.1", 0)), TOKEN);
        running.upstreams("web", replicas);
        return (FrontDoor) running;
    }

    /** As {@link #start(String, String, List)}, the edge cache's entries expiring by {@code nanoTime}. */
    static FrontDoor start(String application, String gatewayToml, List<URI> replicas, LongSupplier nanoTime) {
        var section = TomlConfig.section("[gateway]\n" + gatewayToml, "gateway");
        FrontDoor running = FrontDoor.start(application, GatewaySettings.read(section), RouteSettings.read(section),
                Map.of("web", new InetSocketAddress("127.0.0.1", 0)), TOKEN, nanoTime);
        running.upstreams("web", replicas);
        return running;
    }

    static URI web(FrontDoor gateway, String path) {
        return URI.create(gateway.endpoints().get("web")).resolve(path);
    }
}
