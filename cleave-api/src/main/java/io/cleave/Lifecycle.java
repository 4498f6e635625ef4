package io.cleave;

/**
 * Optional start and stop hooks for a component implementation. Components start in
 * dependency order (a component starts after everything it depends on) and stop in the
 * reverse order. A component whose {@link #start()} throws stops the application start:
 * components already started are stopped, and the failure names the component.
 */
public interface Lifecycle {

    /**
     * Called once, after every dependency of this component has started.
     *
     * @throws Exception if the component cannot serve; the application does not start
     */
    default void start() throws Exception {
    }

    /**
     * Called once at shutdown, before any dependency of this component stops. Failures are
     * logged and do not prevent the remaining components from stopping.
     *
     * @throws Exception if stopping failed
     */
    default void stop() throws Exception {
    }
}
