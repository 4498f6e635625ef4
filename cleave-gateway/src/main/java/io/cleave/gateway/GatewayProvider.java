package io.cleave.gateway;

import io.cleave.runtime.spi.Gateway;
import io.cleave.spi.ConfigSection;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Cleave's gateway: an HTTP reverse proxy on Helidon WebServer that takes over each listener's
 * public address and balances its requests over the listener's replicas (least outstanding of
 * two random choices), ejecting those that fail or stop answering, with TLS termination,
 * admission control and rate limits. Found by {@link java.util.ServiceLoader}; see the module's
 * README for {@code [gateway]}'s keys.
 */
public final class GatewayProvider implements Gateway {

    /** For {@link java.util.ServiceLoader}. */
    public GatewayProvider() {
    }

    /**
     * {@inheritDoc}
     *
     * <p>Also reads the TLS files and the route table the section names, so a wrong path or a bad
     * route fails before any process starts.
     *
     * @throws ConfigSection.ConfigError naming the key (or the route table's file and line) at fault
     *     and what would be valid
     */
    @Override
    public void check(ConfigSection section, Map<String, InetSocketAddress> listeners) {
        GatewaySettings settings = GatewaySettings.read(section);
        settings.tls().ifPresent(GatewayTls::load);
        Router.check(RouteSettings.read(section));
    }

    @Override
    public int replicas(ConfigSection section) {
        return GatewaySettings.read(section).replicas();
    }

    /**
     * {@inheritDoc}
     *
     * @throws ConfigSection.ConfigError when the section, its TLS files or its route table are wrong
     * @throws IllegalStateException when an address cannot be bound (a Redis that cannot be reached
     *     does not stop it: rate limits let requests pass and purges stay local until it can)
     */
    @Override
    public Running start(String application, ConfigSection section, Map<String, InetSocketAddress> listeners,
            String token) {
        return FrontDoor.start(application, GatewaySettings.read(section), RouteSettings.read(section), listeners, token);
    }
}
