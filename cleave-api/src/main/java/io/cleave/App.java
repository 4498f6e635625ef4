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
