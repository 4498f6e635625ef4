package io.cleave.observe;

import io.cleave.CallContext;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Counts and times every call this process makes to one component, by method and
 * {@linkplain Outcome outcome} ({@link CallMeters}), and gives each traced call a span
 * ({@link Tracing}), one schema for local and encoded calls. An untraced call costs two clock
 * reads, the sampling decision and three atomic adds. A plain local call reaches it only when it is
 * traced: the others are counted by {@link LocalObserver} without an invoker.
 */
final class ObservedInvoker implements Invoker {

    private final Invoker next;
    private final boolean encoded;
    private final Tracing tracing;
    private final ComponentDescriptor<?> callee;
    /** By method index. */
    private final CallMeters.Method[] meters;

    ObservedInvoker(ComponentDescriptor<?> callee, Invoker next, boolean encoded, CallMeters calls, MeterRegistry registry,
            Tracing tracing) {
        // a plain local call puts nothing on the wire, and gets no extra frame: its arguments' array stays unallocated
        this.next = encoded ? new WireCounted(callee, next, registry) : next;
        this.encoded = encoded;
        this.tracing = tracing;
        this.callee = callee;
        this.meters = meters(callee, calls);
    }

    /** A component's meters by method index. */
    static CallMeters.Method[] meters(ComponentDescriptor<?> callee, CallMeters calls) {
        CallMeters.Method[] meters = new CallMeters.Method[callee.methods().size()];
        for (MethodDescriptor m : callee.methods()) {
            meters[m.index()] = calls.method(callee.name(), m.name());
        }
        return meters;
    }

    @Override
    public boolean answeredAgainSince(long nanoTime) {
        return next.answeredAgainSince(nanoTime);
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        // kept small, and the arguments go nowhere but the next invoker: inlined into the caller, the
        // arguments' array (and the boxes in it) need not be allocated at all
        Tracing.CallerState caller = Tracing.caller();
        Context parent = tracing.parent(caller);
        if (parent != null) {
            return traced(parent, method, arguments);
        }
        long start = begin(method);
        Outcome outcome = Outcome.OK;
        caller.untraced++;
        try {
            return next.invoke(method, arguments);
        } catch (Exception | Error e) {
            outcome = Outcome.of(method, e);
            throw e;
        } finally {
            caller.untraced--;
            end(method, outcome, start);
        }
    }

    /** Counts the call started; the time it starts. */
    private long begin(MethodDescriptor method) {
        meters[method.index()].started();
        return System.nanoTime();
    }

    /** Times the call by how it ended. */
    private void end(MethodDescriptor method, Outcome outcome, long start) {
        meters[method.index()].ended(outcome, System.nanoTime() - start);
    }

    private Object traced(Context parent, MethodDescriptor method, Object[] arguments) throws Exception {
        long start = begin(method);
        Span span = tracing.tracer().spanBuilder(method.fullName()).setParent(parent)
                .setSpanKind(encoded ? SpanKind.CLIENT : SpanKind.INTERNAL)
                .setAttribute(Tracing.COMPONENT, callee.name()).setAttribute(Tracing.METHOD, method.name())
                .setAttribute(Tracing.ENCODED, encoded)
                .startSpan();
        Outcome outcome = Outcome.OK;
        Scope scope = span.makeCurrent();
        try {
            // the calls it makes, here or in other processes, carry this span as their parent
            return CallContext.withTraceId(Tracing.traceparent(span.getSpanContext()), () -> next.invoke(method, arguments));
        } catch (Exception | Error e) {
            outcome = Outcome.of(method, e);
            if (outcome != Outcome.DECLARED) {
                span.setStatus(StatusCode.ERROR, e.getClass().getName() + ": " + e.getMessage());
            }
            throw e;
        } finally {
            scope.close();
            span.setAttribute(Tracing.OUTCOME, outcome.label);
            span.end();
            end(method, outcome, start);
        }
    }

    @Override
    public String toString() {
        return "metered(" + callee.name() + ") -> " + next;
    }
}
