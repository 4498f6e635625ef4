package io.cleave.runtime;

import io.cleave.StartupException;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the service providers prepared for the whole application in the process that deploys it
 * ({@link ServiceProvider#prepare}), closed after everything else when the application stops.
 */
final class Prepared implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("cleave");

    private final List<Entry> entries;

    private record Entry(ServiceProvider provider, AutoCloseable resource) {
    }

    private Prepared(List<Entry> entries) {
        this.entries = entries;
    }

    static Prepared none() {
        return new Prepared(new ArrayList<>());
    }

    /**
     * Asks every provider to prepare, in order.
     *
     * @throws StartupException naming the provider that failed; what others prepared is closed
     */
    static Prepared of(Settings settings, ComponentGraph graph, ConfigDocument document, List<ServiceProvider> providers,
            Predicate<String> prepares) {
        List<ServiceProvider.Need> needs = new ArrayList<>();
        for (ComponentDescriptor<?> c : graph.ordered()) {
            for (Dependency d : c.dependencies()) {
                if (d instanceof Dependency.OnService on && on.type() != Clock.class && on.type() != System.Logger.class) {
                    needs.add(new ServiceProvider.Need(c.name(), on.parameter(), on.type()));
                }
            }
        }
        Preparation preparation = new Preparation(settings.name(), settings.dataDirectory(), document, List.copyOf(needs),
                prepares);
        List<Entry> entries = new ArrayList<>();
        Prepared prepared = new Prepared(entries);
        for (ServiceProvider provider : providers) {
            try {
                AutoCloseable resource = provider.prepare(preparation);
                if (resource != ServiceProvider.NOTHING) {
                    entries.add(new Entry(provider, resource));
                }
            } catch (ConfigSection.ConfigError e) {
                prepared.close();
                throw new StartupException(e.getMessage(), e);
            } catch (StartupException e) {
                prepared.close();
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                prepared.close();
                throw new StartupException(provider.describe() + " could not prepare application " + settings.name() + ": "
                        + RunningApp.describe(e), e);
            }
        }
        return prepared;
    }

    /** Closes what was prepared, newest first; failures are logged. */
    @Override
    public void close() {
        for (Entry e : entries.reversed()) {
            try {
                e.resource().close();
            } catch (Exception failure) {
                if (failure instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.log(System.Logger.Level.WARNING, e.provider().describe() + " failed to close what it prepared", failure);
            }
        }
        entries.clear();
    }

    private record Preparation(String application, Path dataDirectory, ConfigDocument document,
            List<ServiceProvider.Need> needs, Predicate<String> hosted) implements ServiceProvider.Preparation {

        @Override
        public boolean prepares(String component) {
            return hosted.test(component);
        }

        @Override
        public ConfigSection section(String path) {
            return document.section(Arrays.asList(path.split("\\.", -1)));
        }
    }
}
