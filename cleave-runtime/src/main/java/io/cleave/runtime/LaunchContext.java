package io.cleave.runtime;

import io.cleave.runtime.spi.CallDecorator;
import io.cleave.runtime.spi.Deployer;
import io.cleave.spi.Registry;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What the runtime takes from its surroundings: environment variables, the registries,
 * service providers and deployers on the class path, the clock, the working directory.
 * {@link #system()} reads the real ones; tests pass their own.
 *
 * @param environment environment variables
 * @param registries the component registries
 * @param providers runtime service providers, asked in order
 * @param deployers deployers besides the built-in {@code single}
 * @param decorators what wraps the calls between components, applied in order
 * @param clock the clock components get, when not the system's UTC clock
 * @param workingDirectory against which relative config paths resolve
 * @param classLoader where {@code cleave.toml} is looked up when no file is given
 */
record LaunchContext(Map<String, String> environment, List<Registry> registries, List<ServiceProvider> providers,
        List<Deployer> deployers, List<CallDecorator> decorators, Optional<Clock> clock, Path workingDirectory,
        ClassLoader classLoader) {

    LaunchContext {
        environment = Map.copyOf(environment);
        registries = List.copyOf(registries);
        providers = List.copyOf(providers);
        deployers = List.copyOf(deployers);
        decorators = List.copyOf(decorators);
    }

    /** The real environment, with registries, providers and deployers found by {@link ServiceLoader}. */
    static LaunchContext system() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = LaunchContext.class.getClassLoader();
        }
        return new LaunchContext(System.getenv(), load(Registry.class, loader), load(ServiceProvider.class, loader),
                load(Deployer.class, loader), load(CallDecorator.class, loader), Optional.empty(), Path.of(""), loader);
    }

    private static <S> List<S> load(Class<S> type, ClassLoader loader) {
        return ServiceLoader.load(type, loader).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** A context for tests: no environment, no providers or deployers, the given registries. */
    static LaunchContext of(Registry... registries) {
        return new LaunchContext(Map.of(), List.of(registries), List.of(), List.of(), List.of(), Optional.empty(), Path.of(""),
                LaunchContext.class.getClassLoader());
    }

    LaunchContext withEnvironment(Map<String, String> variables) {
        return new LaunchContext(variables, registries, providers, deployers, decorators, clock, workingDirectory, classLoader);
    }

    LaunchContext withProviders(ServiceProvider... more) {
        return new LaunchContext(environment, registries, List.of(more), deployers, decorators, clock, workingDirectory, classLoader);
    }

    LaunchContext withDeployers(Deployer... more) {
        return new LaunchContext(environment, registries, providers, List.of(more), decorators, clock, workingDirectory, classLoader);
    }

    LaunchContext withDecorators(CallDecorator... more) {
        return new LaunchContext(environment, registries, providers, deployers, List.of(more), clock, workingDirectory,
                classLoader);
    }

    LaunchContext withClock(Clock fixed) {
        return new LaunchContext(environment, registries, providers, deployers, decorators, Optional.of(fixed), workingDirectory, classLoader);
    }

    LaunchContext withWorkingDirectory(Path directory) {
        return new LaunchContext(environment, registries, providers, deployers, decorators, clock, directory, classLoader);
    }
}
