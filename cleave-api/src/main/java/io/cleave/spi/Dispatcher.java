package io.cleave.spi;

/**
 * Calls a method of a component instance by index: the server side of a call. Generated as a
 * {@code switch}; no reflection.
 *
 * @param <T> the component interface
 */
@FunctionalInterface
public interface Dispatcher<T> {

    /**
     * Calls the method.
     *
     * @param target the instance
     * @param method the method's {@link MethodDescriptor#index()}
     * @param arguments the decoded arguments
     * @return the result, boxed; {@code null} for {@code void}
     * @throws Exception whatever the method throws
     */
    Object dispatch(T target, int method, Object[] arguments) throws Exception;
}
