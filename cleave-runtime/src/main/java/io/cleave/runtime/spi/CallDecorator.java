package io.cleave.runtime.spi;

import io.cleave.spi.CallObserver;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Invoker;
import java.util.List;
import java.util.Set;

/**
 * Wraps the calls a process makes to components — resilience policies, metrics, tracing —
 * around the invoker that performs them, in every topology. Found with
 * {@link java.util.ServiceLoader}; applied in the order found, each around the ones before.
 * A caller of a component hosted in its own process gets the instance itself, and pays nothing,
 * unless a decorator wraps the calls to it.
 */
public interface CallDecorator {

    /**
     * A short description for messages, such as {@code "cleave-resilience"}.
     *
     * @return the description
     */
    String describe();

    /**
     * The sections of {@code cleave.toml} this decorator reads: the runtime accepts them only
     * when a decorator on the class path claims them.
     *
     * @return top-level section names, such as {@code resilience}
     */
    Set<String> sections();

    /**
     * Where this decorator's calls sit among the others': decorations are applied in ascending
     * order, each around the ones before, so the greatest wraps outermost and sees what the caller
     * sees (a metrics decorator, say, counting what policies answered). Decorators of equal order
     * keep the order {@link java.util.ServiceLoader} found them in.
     *
     * @return the order; 0 unless overridden
     */
    default int order() {
        return 0;
    }

    /**
     * Checks this decorator's configuration for one application without starting anything. The
     * runtime checks every decorator, with the rest of the configuration, before it creates any
     * decoration, so a start refused for a mistake opens nothing (an admin endpoint, say) and
     * names every mistake at once. A decorator whose {@link #create} starts nothing may leave this
     * as it is: {@code create}'s own errors are reported too.
     *
     * @param context the application
     * @throws ConfigSection.ConfigError naming the file, line and key at fault
     */
    default void check(Context context) {
    }

    /**
     * Reads this decorator's configuration for one application in this process and checks it.
     *
     * @param context the application
     * @return the decoration, for the calls of every component
     * @throws ConfigSection.ConfigError naming the file, line and key at fault
     */
    Decoration create(Context context);

    /** The application a decorator is created for. */
    interface Context {

        /** @return the application's name */
        String application();

        /**
         * @return the application's data directory ({@code [app] data-dir}); with the name it tells
         *     two applications of one name in one JVM apart
         */
        java.nio.file.Path dataDirectory();

        /** @return every component of the application */
        List<ComponentDescriptor<?>> components();

        /**
         * A section of the configuration.
         *
         * @param path a dotted path
         * @return the section, possibly without keys
         */
        ConfigSection section(String path);
    }

    /** What a decorator does to calls, for one application in one process. */
    interface Decoration extends AutoCloseable {

        /**
         * Wraps the calls this process makes to one component.
         *
         * @param callee the called component
         * @param next the invoker performing the calls (or the decorations before this one)
         * @param encoded whether the calls are encoded — across processes, or in process with
         *     serialize-calls: the invoker enforces deadlines, and the callee's undeclared exceptions
         *     arrive as {@link io.cleave.RemoteFailureException}; false for plain method calls on an
         *     instance in this process, which enforce nothing and pass exceptions through as they are
         * @return the wrapping invoker, or {@code next} itself when nothing applies to these calls
         */
        Invoker decorate(ComponentDescriptor<?> callee, Invoker next, boolean encoded);

        /**
         * For a decoration that only watches plain method calls on an instance in this process: the
         * observer to tell of each call instead. When this decoration is the only one that wraps such
         * calls to {@code callee}, the caller gets the component's generated observed reference, which
         * calls the instance directly between {@link CallObserver#begin} and {@link CallObserver#end}
         * (no arguments array, nothing boxed) and sends a call the observer does not let through to
         * the invoker {@link #decorate} made.
         *
         * @param callee the called component, whose calls {@link #decorate} wrapped with {@code encoded} false
         * @return the observer, or empty to have every call go through the invoker
         */
        default java.util.Optional<CallObserver> observer(ComponentDescriptor<?> callee) {
            return java.util.Optional.empty();
        }

        /**
         * How the calls to each component stand now, for status reports: one line per callee this
         * decoration wraps, such as {@code Payments: breaker OPEN (12 of 20 failed), bulkhead 3/20}.
         *
         * @return descriptions by callee name; empty when there is nothing to say
         */
        default java.util.Map<String, String> state() {
            return java.util.Map.of();
        }

        /**
         * The callees of {@link #state} this process has called at least once. Every process holds a
         * reference to every component, but its components ask for a few; status reports list the
         * callees they ask for and, of the others, these (an event relay's deliveries, a test's calls).
         *
         * @return callee names; empty when this decoration does not count calls
         */
        default java.util.Set<String> called() {
            return java.util.Set.of();
        }

        /**
         * What this decoration serves for people and tools to read, such as
         * {@code metrics -> http://127.0.0.1:41234/metrics}; shown by {@link io.cleave.App#endpoints()}
         * and, across processes, by status reports.
         *
         * @return URLs by name; empty when it serves nothing
         */
        default java.util.Map<String, String> endpoints() {
            return java.util.Map.of();
        }

        /**
         * Tells the decoration what the process deploying the whole application knows of all its
         * processes ({@link Deployment#overview}), once, after {@link #endpoints}; not called in a
         * process that knows only itself.
         *
         * @param overview the application's processes
         */
        default void overview(Overview overview) {
        }

        /** Releases what the decoration holds; called when the application stops. */
        @Override
        default void close() {
        }
    }
}
