package io.cleave.runtime;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;

/**
 * Calls an in-process instance exactly as a remote call would: arguments are encoded and
 * decoded into fresh copies, the reply (result or thrown exception) likewise. Declared checked
 * exceptions arrive as themselves; anything else as {@link io.cleave.RemoteFailureException}.
 */
final class SerializingInvoker<T> implements Invoker {

    static final String REPLICA = "local";

    private final ComponentDescriptor<T> component;
    private final T target;

    SerializingInvoker(ComponentDescriptor<T> component, T target) {
        this.component = component;
        this.target = target;
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        // A fresh writer per call: a component may call another from inside a call.
        Writer request = new Writer();
        method.writeArguments(request, arguments);
        Object[] received = method.readArguments(new Reader(request.buffer(), 0, request.size()));

        Writer reply = new Writer();
        try {
            Object result = component.dispatcher().dispatch(target, method.index(), received);
            method.writeResult(reply, result);
        } catch (Exception e) {
            method.writeThrown(reply, e);
        }
        return method.readReply(new Reader(reply.buffer(), 0, reply.size()), REPLICA);
    }
}
