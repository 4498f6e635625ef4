package io.cleave.spi.testing;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An application as {@link ServiceProvider#prepare} sees it, with configuration from maps, for
 * tests of service providers: what the runtime does in the process that deploys an application.
 */
public final class AppPreparation implements ServiceProvider.Preparation {

    private final String application;
    private final Path dataDirectory;
    private final Map<String, Map<String, Object>> sections;
    private final List<ServiceProvider.Need> needs = new ArrayList<>();
    private java.util.Set<String> hosted; // null: every component

    /**
     * @param application the application's name
     * @param dataDirectory its data directory
     * @param sections configuration tables by dotted path
     */
    public AppPreparation(String application, Path dataDirectory, Map<String, Map<String, Object>> sections) {
        this.application = application;
        this.dataDirectory = dataDirectory;
        this.sections = sections;
    }

    /**
     * Adds a component's constructor parameter asking for a service.
     *
     * @param component the component
     * @param type the service type
     * @return this
     */
    public AppPreparation need(String component, Class<?> type) {
        needs.add(new ServiceProvider.Need(component, "service", type));
        return this;
    }

    /**
     * Adds a component's named constructor parameter asking for a service.
     *
     * @param component the component
     * @param parameter the parameter's name, such as {@code web} for a {@code Listener}
     * @param type the service type
     * @return this
     */
    public AppPreparation need(String component, String parameter, Class<?> type) {
        needs.add(new ServiceProvider.Need(component, parameter, type));
        return this;
    }

    /**
     * Prepares only these components' own resources, as a Kubernetes pod of their group does.
     *
     * @param components the components this process hosts
     * @return this
     */
    public AppPreparation hosting(String... components) {
        hosted = java.util.Set.of(components);
        return this;
    }

    @Override
    public boolean prepares(String component) {
        return hosted == null || hosted.contains(component);
    }

    @Override
    public String application() {
        return application;
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public ConfigSection section(String path) {
        return MapConfigSection.at(sections, path);
    }

    @Override
    public List<ServiceProvider.Need> needs() {
        return List.copyOf(needs);
    }
}
