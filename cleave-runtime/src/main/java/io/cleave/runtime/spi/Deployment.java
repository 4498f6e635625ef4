package io.cleave.runtime.spi;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import java.util.Map;
import java.util.Optional;

/**
 * One process's part of an application, planned by a {@link Deployer}. The runtime constructs
 * and starts the components this process {@linkplain #hosts hosts}, reaches them through
 * {@link #local}, and builds stubs over {@link #remote} for the others.
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
     * How calls from this process reach a component it hosts: through an invoker (one that
     * encodes every call as if it crossed processes, say), or, when empty, as plain method calls
     * on the instance itself.
     *
     * @param component a hosted component
     * @param instance its constructed implementation
     * @return the invoker local calls go through, or empty for plain calls
     */
    default Optional<Invoker> local(ComponentDescriptor<?> component, Object instance) {
        return Optional.empty();
    }

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
     * Gives the deployment a way to learn how the calls this process makes stand (the call
     * decorators' descriptions, by callee), for status reports; called once, before
     * {@link #started}.
     *
     * @param calls how the calls stand now, each time it is asked
     */
    default void observe(java.util.function.Supplier<Map<String, String>> calls) {
    }

    /**
     * Whether a gateway serves the application's listeners at their configured addresses in
     * front of this process, and the token it presents to them (see
     * {@link io.cleave.spi.ServiceProvider.Request#gatewayToken()}).
     *
     * @return the gateway's token behind a gateway; empty otherwise
     */
    default java.util.Optional<String> gatewayToken() {
        return java.util.Optional.empty();
    }

    /**
     * Whether the gateway of {@link #gatewayToken} runs on other hosts than this process (each
     * Kubernetes pod has an address of its own), so that a listener keeps its configured address,
     * which is where the gateway forwards to, instead of taking a port of its own beside the
     * gateway on the same host.
     *
     * @return true when the gateway is elsewhere; false (the default) when it shares this host
     */
    default boolean gatewayElsewhere() {
        return false;
    }

    /**
     * Tells the deployment what this process serves for people and tools (the call decorators'
     * {@linkplain CallDecorator.Decoration#endpoints endpoints}), for status reports; called once,
     * before {@link #started}.
     *
     * @param endpoints URLs by name, such as {@code metrics}
     */
    default void endpoints(Map<String, String> endpoints) {
    }

    /**
     * What this process can tell of the whole application's processes, for a dashboard; given to
     * the call decorations ({@link CallDecorator.Decoration#overview}) after {@link #endpoints}.
     *
     * @return the overview; empty (the default) in a process that knows only itself
     */
    default Optional<Overview> overview() {
        return Optional.empty();
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
