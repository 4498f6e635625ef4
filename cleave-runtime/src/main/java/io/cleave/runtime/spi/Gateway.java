package io.cleave.runtime.spi;

import io.cleave.spi.ConfigSection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP front door a deployer runs in front of an application's listeners when
 * {@code cleave.toml} has a {@code [gateway]} section: it takes over each listener's public
 * address and balances the requests over the listener's replicas, which then listen on
 * addresses of their own that the deployer hands to it as they come and go. Found with
 * {@link java.util.ServiceLoader}; {@code io.cleave:cleave-gateway} supplies it.
 */
public interface Gateway {

    /** The section of {@code cleave.toml} that asks for a gateway and configures it. */
    String SECTION = "gateway";

    /**
     * Checks the {@code [gateway]} section (and the files it names) before any process starts.
     *
     * @param section the {@code [gateway]} section
     * @param listeners each listener's public address, by name
     * @throws ConfigSection.ConfigError naming the key at fault and what would be valid
     */
    void check(ConfigSection section, Map<String, InetSocketAddress> listeners);

    /**
     * How many gateway processes a deployer runs ({@code replicas}, default 1).
     *
     * @param section the {@code [gateway]} section, already {@linkplain #check checked}
     * @return at least 1
     */
    int replicas(ConfigSection section);

    /**
     * Starts serving: binds every listener's public address and answers {@code 503} on a
     * listener until {@link Running#upstreams} gave it a replica.
     *
     * @param application the application's name, for logs and shared state (rate limits) keys
     * @param section the {@code [gateway]} section, already {@linkplain #check checked}
     * @param listeners each listener's public address, by name
     * @param token what the gateway presents in
     *     {@link io.cleave.spi.ServiceProvider.Request#GATEWAY_TOKEN_HEADER} on every request it
     *     forwards to the application's replicas (never to another upstream), so that they believe
     *     its {@code X-Forwarded-For} and nobody else's
     * @return the running gateway
     * @throws Exception if an address cannot be bound or a shared store cannot be reached
     */
    Running start(String application, ConfigSection section, Map<String, InetSocketAddress> listeners, String token)
            throws Exception;

    /**
     * A fresh gateway token: 256 random bits, URL-safe.
     *
     * @return the token
     */
    static String newToken() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A listener's configured address, from {@code [listeners] name = "host:port"} or a
     * {@code [listeners.name]} table's {@code address} (which cleave-web requires and checks);
     * {@code web} defaults to {@code 127.0.0.1:8080}, any other listener to none.
     *
     * @param listeners the {@code [listeners]} section
     * @param section the section at a dotted path, for {@code [listeners.<name>]} tables
     * @param listener the listener's name
     * @return the address as configured; empty when none is
     */
    static Optional<String> configuredAddress(ConfigSection listeners, Function<String, ConfigSection> section,
            String listener) {
        if (listeners.subsections().stream().anyMatch(s -> s.equalsIgnoreCase(listener.replace('-', '_')) || s.equals(listener))) {
            ConfigSection table = section.apply("listeners." + listener);
            return table.has("address") ? Optional.of(table.string("address")) : Optional.empty();
        }
        if (listeners.has(listener)) {
            return Optional.of(listeners.string(listener));
        }
        return listener.equals("web") ? Optional.of("127.0.0.1:8080") : Optional.empty();
    }

    /**
     * The address a gateway serves for a listener: its {@linkplain #configuredAddress configured} one.
     *
     * @return the address, unresolved; empty when none is configured or it is not {@code host:port}
     *     (cleave-web says so, naming the key, when a component asks for the listener)
     */
    static Optional<InetSocketAddress> publicAddress(ConfigSection listeners, Function<String, ConfigSection> section,
            String listener) {
        return configuredAddress(listeners, section, listener).flatMap(address -> {
            int colon = address.lastIndexOf(':');
            try {
                String host = address.substring(0, colon).replace("[", "").replace("]", "");
                return Optional.of(InetSocketAddress.createUnresolved(host, Integer.parseInt(address.substring(colon + 1))));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** A started gateway. */
    interface Running extends AutoCloseable {

        /**
         * Replaces the replicas a listener's requests go to; requests in flight to a replica
         * removed finish there. Called whenever a replica becomes ready or goes away.
         *
         * @param listener the listener's name
         * @param replicas the base URLs ({@code http://host:port}) of its ready replicas; empty for none
         */
        void upstreams(String listener, List<URI> replicas);

        /**
         * What this gateway serves, for status reports: a URL per listener.
         *
         * @return URLs by name
         */
        Map<String, String> endpoints();

        /** Stops taking requests and waits, within a bound, for those in flight. */
        @Override
        void close();
    }
}
