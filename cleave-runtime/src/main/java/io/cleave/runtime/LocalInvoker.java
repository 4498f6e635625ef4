package io.cleave.runtime;

import io.cleave.RemoteFailureException;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ExceptionType;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;

/**
 * Calls an in-process instance directly, with the caller's own arguments on the caller's thread,
 * under the rules of a component boundary that need no encoding: a null the boundary cannot
 * carry is refused ({@link MethodDescriptor#checkArguments}, {@link MethodDescriptor#checkResult}),
 * and what the callee throws that its method does not declare arrives as
 * {@link RemoteFailureException}, as it would from another process, with the original as its
 * cause. So a call behaves the same whether its callee runs here or elsewhere, except that
 * nothing is copied: the serializing invoker proves that too.
 */
final class LocalInvoker<T> implements Invoker {

    static final String REPLICA = "local";

    private final ComponentDescriptor<T> component;
    private final T target;

    LocalInvoker(ComponentDescriptor<T> component, T target) {
        this.component = component;
        this.target = target;
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        method.checkArguments(arguments);
        try {
            Object result = component.dispatcher().dispatch(target, method.index(), arguments);
            method.checkResult(result);
            return result;
        } catch (Throwable thrown) {
            throw declaredOrFailure(method, thrown);
        }
    }

    /** What the caller gets for what the callee threw: a declared exception as itself, else a failure of the callee. */
    private static Exception declaredOrFailure(MethodDescriptor method, Throwable thrown) {
        for (ExceptionType<?> declared : method.exceptions()) {
            if (declared.type().isInstance(thrown)) {
                return (Exception) thrown;
            }
        }
        String message = thrown.getMessage() == null ? "" : thrown.getMessage();
        RemoteFailureException failure = new RemoteFailureException(method.component(), method.name(), REPLICA,
                thrown.getClass().getName(), message);
        failure.initCause(thrown);
        return failure;
    }

    @Override
    public String toString() {
        return "LocalInvoker[" + component.name() + "]";
    }
}
