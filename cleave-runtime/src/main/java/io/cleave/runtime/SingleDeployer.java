package io.cleave.runtime;

import io.cleave.StartupException;
import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Invoker;
import io.cleave.spi.ServiceProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every component in this process. Callers get the instance itself (a call costs what a method
 * call costs), or with serialize-calls a stub over a {@link SerializingInvoker}, which applies
 * every rule of a call that crosses processes (root README, "The component model").
 */
final class SingleDeployer implements Deployer {

    static final String NAME = "single";

    @Override
    public String name() {
        return NAME;
    }

    private static <T> Invoker serializing(ComponentDescriptor<T> component, Object instance, TransportSettings transport) {
        return new SerializingInvoker<>(component, component.type().cast(instance), transport);
    }

    @Override
    public Deployment deploy(Context context) {
        boolean serialize = context.serializeCalls();
        TransportSettings transport = context.transport();
        if (context.gateway().isPresent()) {
            return new Fronted(context, context.gateway().get(), serialize, transport);
        }
        return new Local(serialize, transport);
    }

    /** Every component in this process: calls are method calls, or encoded ones with serialize-calls. */
    private static class Local implements Deployment {

        private final boolean serialize;
        private final TransportSettings transport;

        Local(boolean serialize, TransportSettings transport) {
            this.serialize = serialize;
            this.transport = transport;
        }

        @Override
        public boolean hosts(ComponentDescriptor<?> component) {
            return true;
        }

        @Override
        public Optional<Invoker> local(ComponentDescriptor<?> component, Object instance) {
            return serialize ? Optional.of(serializing(component, instance, transport)) : Optional.empty();
        }

        @Override
        public Invoker remote(ComponentDescriptor<?> component) {
            throw new IllegalStateException("the single deployer hosts every component, including " + component.name());
        }
    }

    /**
     * Every component in this process, behind the gateway {@code [gateway]} asks for, which runs
     * in this process too: the listeners listen on ports of their own, and the gateway serves
     * their configured addresses in front of them, with the same rate limits, admission and
     * TLS as in front of the replicas of {@code multi}.
     */
    private static final class Fronted extends Local {

        private final Context context;
        private final Gateway gateway;
        private final String token = Gateway.newToken();
        private volatile Gateway.Running running;

        Fronted(Context context, Gateway gateway, boolean serialize, TransportSettings transport) {
            super(serialize, transport);
            this.context = context;
            this.gateway = gateway;
        }

        @Override
        public Optional<String> gatewayToken() {
            return Optional.of(token);
        }

        /** The listeners announced where they listen: the gateway starts in front of them. */
        @Override
        public void endpoints(Map<String, String> endpoints) {
            Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
            Map<String, URI> replicas = new LinkedHashMap<>();
            ConfigSection listeners = context.section("listeners");
            for (Map.Entry<String, String> e : endpoints.entrySet()) {
                if (e.getKey().startsWith(ServiceProvider.Request.LISTENER_ENDPOINT)) {
                    String name = e.getKey().substring(ServiceProvider.Request.LISTENER_ENDPOINT.length());
                    Gateway.publicAddress(listeners, context::section, name).ifPresent(a -> addresses.put(name, a));
                    replicas.put(name, URI.create(e.getValue()));
                }
            }
            ConfigSection section = context.section(Gateway.SECTION);
            if (addresses.isEmpty()) {
                throw new StartupException("[gateway] serves the application's listeners, and no component asks for a"
                        + " Listener; remove [gateway]");
            }
            try {
                gateway.check(section, addresses);
                Gateway.Running started = gateway.start(context.application(), section, addresses, token);
                replicas.forEach((name, uri) -> started.upstreams(name, List.of(uri)));
                running = started;
            } catch (ConfigSection.ConfigError e) {
                throw new StartupException(e.getMessage(), e);
            } catch (Exception e) {
                throw new StartupException("gateway: cannot serve " + addresses + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void stopping() {
            Gateway.Running r = running;
            if (r != null) {
                r.close(); // no new requests; those in flight finish before the components stop
            }
        }

        @Override
        public void close() {
            stopping();
        }
    }
}
