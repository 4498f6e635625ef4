package io.cleave.spi;

import java.util.List;

/**
 * One parameter of a component implementation's constructor: what the runtime must supply.
 */
public sealed interface Dependency {

    /**
     * The parameter's name in source, for error messages.
     *
     * @return the name
     */
    String parameter();

    /**
     * Another component, by interface.
     *
     * @param parameter the parameter name
     * @param type the {@code @Component} interface
     */
    record OnComponent(String parameter, Class<?> type) implements Dependency {
    }

    /**
     * A lazy {@link io.cleave.Ref} to another component, for cycles.
     *
     * @param parameter the parameter name
     * @param type the {@code @Component} interface the reference resolves to
     */
    record OnRef(String parameter, Class<?> type) implements Dependency {
    }

    /**
     * The component's config record, bound from its section of {@code cleave.toml}.
     *
     * @param parameter the parameter name
     * @param type the record type
     * @param binder builds the record from the section
     * @param <C> the record type
     */
    record OnConfig<C extends Record>(String parameter, Class<C> type, ConfigBinder<C> binder) implements Dependency {
    }

    /**
     * A runtime service: {@link java.time.Clock}, {@link System.Logger}, or an interface
     * annotated {@link io.cleave.RuntimeService}, with codecs for its type arguments when it is
     * generic (the state of a {@code Saga<PlaceOrder>}).
     *
     * @param parameter the parameter name
     * @param type the service type (erased)
     * @param typeArguments a codec per type argument, in order; empty for a non-generic service
     */
    record OnService(String parameter, Class<?> type, List<Codec<?>> typeArguments) implements Dependency {

        /**
         * Creates it; the list is copied.
         */
        public OnService {
            typeArguments = List.copyOf(typeArguments);
        }

        /**
         * A service without type arguments.
         *
         * @param parameter the parameter name
         * @param type the service type
         */
        public OnService(String parameter, Class<?> type) {
            this(parameter, type, List.of());
        }
    }
}
