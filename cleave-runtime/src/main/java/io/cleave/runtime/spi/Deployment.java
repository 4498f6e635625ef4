package io.cleave.runtime.spi;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import java.util.Map;

/**
 * One process's part of an application, planned by a {@link Deployer}. The runtime constructs
 * and starts the components this process {@linkplain #hosts hosts}, hands callers what
 * {@link #local} returns for them, and builds stubs over {@link #remote} for the others.
 */
public interface Deployment extends AutoCloseable {

    /**
     * Whether this process constructs and runs the component.
     *
     * @param component a component of the application
     * @return true to host it here
     */
    boolean hosts(ComponentDescriptor<?> component);

    /**
     * What callers in this process get for a hosted component: the instance itself, or a stub
     * ({@link ComponentDescriptor#stub()}) over an in-process invoker that decorates calls. For
     * the instance itself the runtime hands callers a stub that calls it directly under the
     * boundary's rules that need no encoding (nulls are refused, undeclared exceptions arrive as
     * {@link io.cleave.RemoteFailureException}), so no caller depends on where the callee runs.
     *
     * @param component a hosted component
     * @param instance its constructed implementation
     * @param <T> the component interface
     * @return the reference callers use
     */
    <T> T local(ComponentDescriptor<T> component, T instance);

    /**
     * How calls reach a component this process does not host.
     *
     * @param component a component not hosted here
     * @return the invoker the component's stub sends calls through
     * @throws io.cleave.StartupException if the component cannot be reached at all
     */
    Invoker remote(ComponentDescriptor<?> component);

    /**
     * Called once every hosted component started, for example to begin serving them to other
     * processes.
     *
     * @param hosted the hosted components' instances by name, in start order
     * @throws Exception if serving cannot begin; the application does not start
     */
    default void started(Map<String, Object> hosted) throws Exception {
    }

    /**
     * Called at shutdown before any component stops, for example to stop accepting calls
     * from other processes.
     */
    default void stopping() {
    }

    /** Releases what the deployment holds; called last at shutdown. */
    @Override
    default void close() {
    }
}
