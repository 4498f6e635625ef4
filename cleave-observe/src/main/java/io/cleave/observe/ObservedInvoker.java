package io.cleave.observe;

import io.cleave.CallContext;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts and times every call this process makes to one component, by method and
 * {@linkplain Outcome outcome}, and how many are in flight; and gives each traced call a span
 * ({@link Tracing}), one schema for local and encoded calls. Meters are made once per method and
 * outcome; an untraced call then costs two clock reads, an increment and a decrement, and a timer
 * update.
 */
final class ObservedInvoker implements Invoker {

    /** Latency buckets of the histogram, from a fast local call to a slow remote one. */
    static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private static final Outcome[] OUTCOMES = Outcome.values();

    private final Invoker next;
    private final boolean encoded;
    private final Tracing tracing;
    private final MeterRegistry registry;
    private final ComponentDescriptor<?> callee;
    /** At method index × outcomes + outcome ordinal; made when first needed. */
    private final AtomicReferenceArray<Timer> timers;
    private final AtomicInteger[] inFlight;

    ObservedInvoker(ComponentDescriptor<?> callee, Invoker next, boolean encoded, MeterRegistry registry, Tracing tracing) {
        // a plain local call puts nothing on the wire, and gets no extra frame: its arguments' array stays unallocated
        this.next = encoded ? new WireCounted(callee, next, registry) : next;
        this.encoded = encoded;
        this.tracing = tracing;
        this.registry = registry;
        this.callee = callee;
        int methods = callee.methods().size();
        this.timers = new AtomicReferenceArray<>(methods * OUTCOMES.length);
        this.inFlight = new AtomicInteger[methods];
        for (MethodDescriptor m : callee.methods()) {
            AtomicInteger counter = new AtomicInteger();
            inFlight[m.index()] = counter;
            Gauge.builder("cleave.calls.in.flight", counter, AtomicInteger::get)
                    .description("Calls this process made to a component method that have not ended yet")
                    .tag("component", callee.name()).tag("method", m.name())
                    .register(registry);
            timer(m, Outcome.OK); // every method shows, called or not
        }
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        // kept small, and the arguments go nowhere but the next invoker: inlined into the caller, the
        // arguments' array (and the boxes in it) need not be allocated at all
        int[] untraced = Tracing.untraced();
        Context parent = tracing.parent(untraced);
        if (parent != null) {
            return traced(parent, method, arguments);
        }
        long start = begin(method);
        Outcome outcome = Outcome.OK;
        untraced[0]++;
        try {
            return next.invoke(method, arguments);
        } catch (Exception | Error e) {
            outcome = Outcome.of(method, e);
            throw e;
        } finally {
            untraced[0]--;
            end(method, outcome, start);
        }
    }

    /** Counts the call in flight; the time it starts. */
    private long begin(MethodDescriptor method) {
        inFlight[method.index()].incrementAndGet();
        return System.nanoTime();
    }

    /** Counts the call out of flight and times it by how it ended. */
    private void end(MethodDescriptor method, Outcome outcome, long start) {
        long took = System.nanoTime() - start;
        inFlight[method.index()].decrementAndGet();
        timer(method, outcome).record(took, TimeUnit.NANOSECONDS);
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

    private Timer timer(MethodDescriptor method, Outcome outcome) {
        int at = method.index() * OUTCOMES.length + outcome.ordinal();
        Timer timer = timers.get(at);
        if (timer == null) {
            // registering twice returns the same meter, so a race only costs a lookup
            timer = Timer.builder("cleave.calls")
                    .description("Calls this process made to a component method, by how they ended")
                    .tag("component", callee.name()).tag("method", method.name()).tag("outcome", outcome.label)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
            timers.set(at, timer);
        }
        return timer;
    }

    @Override
    public String toString() {
        return "metered(" + callee.name() + ") -> " + next;
    }
}
