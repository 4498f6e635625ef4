package io.cleave.runtime;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Reader;
import io.cleave.spi.Wire;
import io.cleave.spi.Writer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls an in-process instance exactly as a call to another process would go: arguments are
 * encoded and decoded into fresh copies, the reply (result or thrown exception) likewise, so
 * declared checked exceptions arrive as themselves and anything else as
 * {@link io.cleave.RemoteFailureException}. It enforces what the transport enforces, with the
 * same messages: the boundary's rules about nulls, the message limit for the arguments and the
 * reply ({@code [transport] max-message-bytes}, else {@link Wire#MAX_MESSAGE_BYTES}), and the
 * deadline (the caller's, capped by {@code [transport] default-timeout}, else
 * {@link Invoker#DEFAULT_TIMEOUT}, as a remote caller's is):
 * a call whose deadline passed or whose caller was cancelled or interrupted is not made, and the
 * callee runs on a thread of its own, in a context with that deadline, so that a caller whose
 * deadline passes gets {@link ComponentUnavailableException} at once while the callee is
 * cancelled and interrupted, as a remote one would be.
 */
final class SerializingInvoker<T> implements Invoker {

    static final String REPLICA = "local";

    private final ComponentDescriptor<T> component;
    private final T target;
    private final int maxMessageBytes;
    private final long defaultTimeoutNanos;

    /**
     * @param transport the limits a call between processes has: its message size and default deadline
     */
    SerializingInvoker(ComponentDescriptor<T> component, T target, TransportSettings transport) {
        this.component = component;
        this.target = target;
        this.maxMessageBytes = transport.maxMessageBytes();
        this.defaultTimeoutNanos = transport.defaultTimeout().toNanos();
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        CallContext context = CallContext.current();
        String what = method.fullName();
        if (context.cancelled()) {
            throw new ComponentUnavailableException(what + ": the calling context was cancelled", true);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new ComponentUnavailableException(what + ": the calling thread is interrupted; nothing was sent", true);
        }
        long remaining = context.remainingNanos();
        if (remaining <= 0) {
            throw new ComponentUnavailableException(what + ": deadline passed before the call", true);
        }
        long deadline = System.nanoTime() + Math.min(remaining, defaultTimeoutNanos);

        // A fresh writer per call: a component may call another from inside a call.
        Writer request = new Writer();
        method.writeArguments(request, arguments);
        method.checkArgumentsSize(request.size(), maxMessageBytes);
        byte[] encoded = request.toByteArray();
        CallContext calleeContext = CallContext.builder()
                .remainingNanos(deadline - System.nanoTime())
                .traceId(context.traceId().orElseGet(SerializingInvoker::newTraceId))
                .caller(REPLICA)
                .build();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        Thread callee = Thread.ofVirtual().name("cleave-serialized-call " + what)
                .start(() -> reply.complete(serve(method, encoded, calleeContext)));
        byte[] replied;
        try {
            replied = reply.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel(calleeContext, callee);
            throw new ComponentUnavailableException(what + ": deadline exceeded waiting for " + REPLICA
                    + "; the call was cancelled", false);
        } catch (InterruptedException e) {
            cancel(calleeContext, callee);
            Thread.currentThread().interrupt();
            throw new ComponentUnavailableException(what + ": interrupted while waiting for " + REPLICA
                    + "; the call was cancelled", false);
        } catch (ExecutionException e) {
            // serve() catches everything the callee throws; this is a bug of the invoker
            throw new IllegalStateException(what + ": serving the call failed", e.getCause());
        }
        return method.readReply(new Reader(replied), REPLICA);
    }

    /** The callee's side: decode, dispatch, encode the reply; runs on the callee's own thread. */
    private byte[] serve(MethodDescriptor method, byte[] request, CallContext context) {
        Writer reply = new Writer();
        try {
            Object result = context.call(() -> component.dispatcher().dispatch(target, method.index(),
                    method.readArguments(new Reader(request))));
            method.writeResult(reply, result);
            method.limitReply(reply, maxMessageBytes);
        } catch (Throwable t) {
            reply.reset();
            method.writeThrown(reply, t);
        }
        return reply.toByteArray();
    }

    private static void cancel(CallContext calleeContext, Thread callee) {
        calleeContext.cancel();
        callee.interrupt();
    }

    private static String newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    @Override
    public String toString() {
        return "SerializingInvoker[" + component.name() + "]";
    }
}
