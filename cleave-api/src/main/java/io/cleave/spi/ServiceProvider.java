package io.cleave.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Supplies a runtime service (a type annotated {@link io.cleave.RuntimeService}) to component
 * constructors. Found with {@link java.util.ServiceLoader}; the runtime asks every provider in
 * turn and the first that answers wins. A provider answers {@link Optional#empty()} for types
 * that are not its own, so the runtime can list what it tried when nobody can.
 */
public interface ServiceProvider {

    /**
     * Supplies an instance for one constructor parameter of one component.
     *
     * @param request what is asked and for whom
     * @return the service, or empty when {@code request.type()} is not this provider's
     * @throws Exception if this provider owns the type but cannot make it (bad settings,
     *     unreachable database); the runtime reports it naming the component
     */
    Optional<?> provide(Request request) throws Exception;

    /**
     * A short description for error messages, such as {@code "cleave-data (Store)"}.
     *
     * @return the description
     */
    String describe();

    /** What a component asks for. */
    interface Request {

        /** @return the asking component's name */
        String component();

        /** @return the name of the constructor parameter, such as {@code web} for {@code Listener web} */
        String parameter();

        /** @return the type of the constructor parameter */
        Class<?> type();

        /**
         * A section of the application configuration, such as {@code data} or
         * {@code Catalog.data}; empty when the file has no such table.
         *
         * @param path the dotted path of the section
         * @return the section, possibly without keys
         */
        ConfigSection section(String path);

        /** @return the application's name */
        String application();

        /** @return the directory where the application keeps local files (embedded databases) */
        Path dataDirectory();

        /**
         * Registers something to close when the application stops, after the component stopped.
         *
         * @param resource what to close
         */
        void closeOnStop(AutoCloseable resource);
    }
}
