package io.cleave.runtime;

import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
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
        return new Deployment() {
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
        };
    }
}
