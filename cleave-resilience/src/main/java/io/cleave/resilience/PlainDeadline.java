package io.cleave.resilience;

import io.cleave.CallContext;
import io.cleave.ComponentUnavailableException;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes a plain call in this process keep its deadline, as an encoded call does: the callee
 * runs on a virtual thread of its own, in the caller's context, and a caller still waiting at the
 * deadline gets {@link ComponentUnavailableException} while the callee's context is cancelled and
 * its thread interrupted. Only where a policy sets a timeout on a plain local call: otherwise the
 * call stays a method call on the caller's thread.
 */
final class PlainDeadline implements Invoker {

    private final Invoker next;

    PlainDeadline(Invoker next) {
        this.next = next;
    }

    @Override
    public boolean answeredAgainSince(long nanoTime) {
        return next.answeredAgainSince(nanoTime);
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        CallContext context = CallContext.current();
        long remaining = context.remainingNanos();
        if (remaining == Long.MAX_VALUE) {
            return next.invoke(method, arguments);
        }
        if (remaining <= 0) {
            throw new ComponentUnavailableException(method.fullName() + ": deadline passed before the call", true);
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread callee = Thread.ofVirtual().name("cleave-call-" + method.fullName()).start(() -> {
            try {
                result.complete(context.call(() -> next.invoke(method, arguments)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            context.cancel();
            callee.interrupt();
            throw new ComponentUnavailableException(method.fullName() + ": deadline exceeded waiting for the call in this"
                    + " process; the call was cancelled", false);
        } catch (InterruptedException e) {
            context.cancel();
            callee.interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            throw (Error) cause;
        }
    }
}
