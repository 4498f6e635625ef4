package io.cleave.spi.testing;

import io.cleave.StartupException;
import io.cleave.spi.Codec;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider request as the runtime makes it, with configuration from maps, for tests of
 * {@link ServiceProvider}s. Collects what the provider registers to close, so a test can stop it
 * as the runtime does.
 */
public final class ProviderRequest implements ServiceProvider.Request {

    private final String component;
    private final Class<?> type;
    private final String parameter;
    private final Map<String, Map<String, Object>> sections;
    private final Path dataDirectory;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<Class<?>, Object> services = new HashMap<>();
    private final List<io.cleave.Lifecycle> attached = new ArrayList<>();
    private List<Codec<?>> typeArguments = List.of();
    private String gatewayToken;
    private final Map<String, String> endpoints = new java.util.LinkedHashMap<>();

    /**
     * @param component the asking component
     * @param type the constructor parameter's type
     * @param parameter the constructor parameter's name
     * @param sections configuration tables by dotted path
     * @param dataDirectory the application's data directory
     */
    public ProviderRequest(String component, Class<?> type, String parameter,
            Map<String, Map<String, Object>> sections, Path dataDirectory) {
        this.component = component;
        this.type = type;
        this.parameter = parameter;
        this.sections = sections;
        this.dataDirectory = dataDirectory;
    }

    @Override
    public String component() {
        return component;
    }

    @Override
    public String parameter() {
        return parameter;
    }

    @Override
    public Class<?> type() {
        return type;
    }

    @Override
    public List<Codec<?>> typeArguments() {
        return typeArguments;
    }

    @Override
    public <T> T service(Class<T> serviceType) {
        Object service = services.get(serviceType);
        if (service == null) {
            throw new StartupException("component " + component + ": its constructor does not ask for "
                    + serviceType.getName());
        }
        return serviceType.cast(service);
    }

    /**
     * Makes another service available to {@link #service}.
     *
     * @param serviceType its type
     * @param service the instance
     * @param <T> the type
     * @return this
     */
    public <T> ProviderRequest with(Class<T> serviceType, T service) {
        services.put(serviceType, service);
        return this;
    }

    /**
     * Sets the codecs of the type arguments.
     *
     * @param codecs a codec per type argument
     * @return this
     */
    public ProviderRequest typeArguments(Codec<?>... codecs) {
        typeArguments = List.of(codecs);
        return this;
    }

    /**
     * Asks as a process behind a gateway does ({@link #gatewayToken()}).
     *
     * @param token the gateway's token
     * @return this
     */
    public ProviderRequest behindGateway(String token) {
        gatewayToken = token;
        return this;
    }

    @Override
    public java.util.Optional<String> gatewayToken() {
        return java.util.Optional.ofNullable(gatewayToken);
    }

    @Override
    public void endpoint(String name, String url) {
        endpoints.put(name, url);
    }

    /** @return what the provider {@linkplain #endpoint announced}, by name */
    public Map<String, String> endpoints() {
        return Map.copyOf(endpoints);
    }

    @Override
    public ConfigSection section(String path) {
        return MapConfigSection.at(sections, path);
    }

    @Override
    public String application() {
        return "test";
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void attach(io.cleave.Lifecycle lifecycle) {
        attached.add(lifecycle);
    }

    /**
     * Starts what the provider attached, as the runtime does once the component started.
     *
     * @throws Exception if a start fails
     */
    public void started() throws Exception {
        for (io.cleave.Lifecycle l : attached) {
            l.start();
        }
    }

    @Override
    public void closeOnStop(AutoCloseable resource) {
        toClose.add(resource);
    }

    /** @return what the provider registered to close, oldest first */
    public List<AutoCloseable> toClose() {
        return List.copyOf(toClose);
    }

    /**
     * Closes what was registered, newest first, as the runtime does at stop.
     *
     * @throws Exception if closing fails
     */
    public void stop() throws Exception {
        for (io.cleave.Lifecycle l : attached.reversed()) {
            l.stop();
        }
        attached.clear();
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        toClose.clear();
    }
}
