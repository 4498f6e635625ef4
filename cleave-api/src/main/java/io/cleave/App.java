package io.cleave;

/**
 * A running Cleave application. Obtain one from {@link Cleave#app()}; close it to stop every
 * component it hosts in reverse dependency order.
 */
public interface App extends AutoCloseable {

    /**
     * The application's name, from {@code cleave.toml}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns a component by its interface: the local instance, or a client for a component
     * hosted elsewhere, as the deployer decides.
     *
     * @param type a {@link Component} interface
     * @param <T> the interface
     * @return the component
     * @throws IllegalArgumentException if {@code type} is not a component of this application
     */
    <T> T component(Class<T> type);

    /**
     * What this process serves for people and tools to read (cleave-observe's admin endpoint):
     * URLs by name, such as {@code metrics -> http://127.0.0.1:41234/metrics}.
     *
     * @return URLs by name; empty when nothing is served
     */
    default java.util.Map<String, String> endpoints() {
        return java.util.Map.of();
    }

    /**
     * How the calls this process makes to components stand, as the policies around them
     * (cleave-resilience) describe them: one entry per component that a component of this process
     * asks for in its constructor, or that this process has called (an event relay's deliveries,
     * {@link #component} references), such as
     * {@code Payments -> "timeout 2000ms, retries 0 (budget 20%), breaker 50% of 20; breaker OPEN (failure rate 60%); ..."}.
     *
     * @return descriptions by component name; empty when no policy wraps any call
     */
    default java.util.Map<String, String> calls() {
        return java.util.Map.of();
    }

    /**
     * Blocks until the application is closed, by {@link #close()} from another thread or by
     * the JVM shutting down.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void awaitShutdown() throws InterruptedException;

    /** Stops every component in reverse dependency order. Idempotent. */
    @Override
    void close();
}
