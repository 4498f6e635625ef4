package io.cleave.saga;

import io.cleave.Saga;
import io.cleave.StartupException;
import io.cleave.Store;
import io.cleave.spi.Codec;
import io.cleave.spi.ServiceProvider;
import java.util.Optional;

/**
 * Supplies {@link Saga}: for each constructor parameter {@code Saga<S>}, a saga journaled in the
 * component's own {@link Store} (which the constructor must ask for too), with its state encoded
 * by the codec the annotation processor generated for {@code S}, and its recovery running with
 * the component. Settings: {@code [sagas]} (see {@link SagaSettings}).
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class SagaProvider implements ServiceProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public SagaProvider() {
    }

    /** Checks {@code [sagas]} before anything starts, when a component uses sagas. */
    @Override
    public AutoCloseable prepare(Preparation preparation) {
        if (preparation.needs().stream().anyMatch(n -> n.type() == Saga.class)) {
            SagaSettings.read(preparation.section("sagas"));
        }
        return NOTHING;
    }

    @Override
    public Optional<?> provide(Request request) {
        if (request.type() != Saga.class) {
            return Optional.empty();
        }
        if (request.typeArguments().size() != 1) {
            throw new StartupException("component " + request.component() + ": constructor parameter \"" + request.parameter()
                    + "\" is a Saga without the codec of its state type; compile the component with cleave-codegen,"
                    + " which generates it, and give the type argument (Saga<MyState>)");
        }
        SagaSettings settings = SagaSettings.read(request.section("sagas"));
        Store store = request.service(Store.class);
        Journal.create(store);
        DurableSaga<?> saga = create(request, store, request.typeArguments().get(0), settings);
        request.attach(saga);
        return Optional.of(saga);
    }

    private static <S> DurableSaga<S> create(Request request, Store store, Codec<S> codec, SagaSettings settings) {
        return new DurableSaga<>(request.component(), request.parameter(), store, codec, settings);
    }

    @Override
    public String describe() {
        return "cleave-saga (Saga)";
    }
}
