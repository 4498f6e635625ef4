package io.cleave.runtime.spi;

import io.cleave.spi.AppOptions;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import java.nio.file.Path;
import java.util.List;

/**
 * Decides where the components of an application run, as seen from this process. Selected by
 * {@link #name()} from {@code [app] deployer} or {@link io.cleave.Cleave.Builder#deployer};
 * found with {@link java.util.ServiceLoader} ({@code single} is built in).
 */
public interface Deployer {

    /**
     * The name configuration uses, such as {@code single} or {@code multi}; also the name of
     * the deployer's own section of {@code cleave.toml}.
     *
     * @return the name
     */
    String name();

    /**
     * Whether this process deploys the application as a whole, rather than hosting a part of it
     * for another process that does (a child of the {@code multi} supervisor). Runtime services
     * prepare what components share ({@link io.cleave.spi.ServiceProvider#prepare}) only in the
     * process that deploys.
     *
     * @return true unless this process was started to host part of an application
     */
    default boolean deploysApplication() {
        return true;
    }

    /**
     * Which components' own resources (a schema, a database role) this process prepares when it
     * {@linkplain #deploysApplication deploys}: see {@link io.cleave.spi.ServiceProvider.Preparation#prepares}.
     *
     * @return a test of component names; every component by default
     */
    default java.util.function.Predicate<String> prepares() {
        return component -> true;
    }

    /**
     * Plans this process's part of the application. Called after configuration and the
     * component graph were validated, before any component is constructed.
     *
     * @param context the validated application
     * @return the plan, closed when the application stops
     * @throws io.cleave.StartupException if this process cannot take part (bad deployer
     *     settings, an unreachable supervisor)
     */
    Deployment deploy(Context context);

    /** The validated application a deployer plans for. */
    interface Context {

        /** @return the application's name */
        String application();

        /** @return every component, dependencies before their dependents (ignoring {@link io.cleave.Ref}s) */
        List<ComponentDescriptor<?>> components();

        /** @return the colocation groups and replica counts from {@code [multi]} */
        Topology topology();

        /**
         * Whether calls between components hosted in the same process must be encoded and
         * decoded anyway ({@code [single] serialize-calls} or
         * {@link io.cleave.Cleave.Builder#serializeCalls}).
         *
         * @return true to serialize
         */
        boolean serializeCalls();

        /**
         * The transport's settings from {@code [transport]}: a deployer that puts components in
         * other processes builds its clients and servers from them, and one that serializes
         * in-process calls holds them to the same message limit.
         *
         * @return the validated settings; the defaults when the section is absent
         */
        TransportSettings transport();

        /** @return the directory where the application keeps local files */
        Path dataDirectory();

        /**
         * A section of the configuration, such as the deployer's own; its accessors throw
         * {@link ConfigSection.ConfigError} naming file, line and key.
         *
         * @param path a dotted path
         * @return the section, possibly without keys
         */
        ConfigSection section(String path);

        /**
         * What the application was started with (configuration file or text, overrides), so a
         * deployer can start the same application in other processes.
         *
         * @return the options given to {@link io.cleave.Cleave.Builder}
         */
        AppOptions options();

        /**
         * The gateway to run in front of the application's listeners, when {@code cleave.toml}
         * has a {@code [gateway]} section (the launcher has made sure one is on the class path).
         *
         * @return the gateway; empty without a {@code [gateway]} section
         */
        default java.util.Optional<Gateway> gateway() {
            return java.util.Optional.empty();
        }
    }
}
