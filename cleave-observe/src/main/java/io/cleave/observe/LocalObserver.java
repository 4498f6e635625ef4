package io.cleave.observe;

import io.cleave.spi.CallObserver;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.MethodDescriptor;
import io.opentelemetry.context.Context;

/**
 * Counts and times the plain method calls this process makes to one component it hosts, told by
 * the component's generated observed reference, which calls the instance itself: no arguments array,
 * nothing boxed, nothing allocated. A call to be traced goes on to the {@link ObservedInvoker} with
 * the decision made here ({@link Tracing.CallerState#decided}), which gives it its span and meters it.
 */
final class LocalObserver implements CallObserver {

    private final ComponentDescriptor<?> callee;
    private final Tracing tracing;
    /** By method index: the same meters as the invoker's. */
    private final CallMeters.Method[] meters;

    LocalObserver(ComponentDescriptor<?> callee, CallMeters calls, Tracing tracing) {
        this.callee = callee;
        this.tracing = tracing;
        this.meters = ObservedInvoker.meters(callee, calls);
    }

    @Override
    public long begin(MethodDescriptor method) {
        Tracing.CallerState caller = Tracing.caller();
        Context parent = tracing.parent(caller);
        if (parent != null) {
            caller.decided = parent;
            return THROUGH_INVOKER;
        }
        meters[method.index()].started();
        caller.untraced++;
        return System.nanoTime();
    }

    @Override
    public void end(MethodDescriptor method, long begun, Throwable failure) {
        long nanos = System.nanoTime() - begun;
        Tracing.caller().untraced--;
        meters[method.index()].ended(failure == null ? Outcome.OK : Outcome.of(method, failure), nanos);
    }

    @Override
    public String toString() {
        return "metered(" + callee.name() + ")";
    }
}
