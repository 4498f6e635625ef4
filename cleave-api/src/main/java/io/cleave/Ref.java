package io.cleave;

/**
 * A lazy reference to a component, for the rare dependency cycle: {@code A} takes {@code B}
 * and {@code B} takes {@code Ref<A>}. The reference resolves once every component of the
 * application is constructed; calling {@link #get()} from a constructor fails.
 *
 * @param <T> the component interface
 */
@FunctionalInterface
public interface Ref<T> {

    /**
     * Returns the component.
     *
     * @return the component, local or a stub for a remote one
     * @throws IllegalStateException if called before the application finished constructing
     *     its components
     */
    T get();
}
