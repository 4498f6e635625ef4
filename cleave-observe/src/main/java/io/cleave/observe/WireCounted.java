package io.cleave.observe;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.WireBytes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts the bytes the encoded calls to one component put on the wire and took off it
 * ({@code cleave_calls_bytes_total}, by method and direction), from what the transport counted on
 * the calling thread ({@link WireBytes}) during each call, retries included.
 */
final class WireCounted implements Invoker {

    private final ComponentDescriptor<?> callee;
    private final Invoker next;
    private final MeterRegistry registry;
    /** At method index × 2 + direction (0 sent, 1 received); made when first needed. */
    private final AtomicReferenceArray<Counter> counters;

    WireCounted(ComponentDescriptor<?> callee, Invoker next, MeterRegistry registry) {
        this.callee = callee;
        this.next = next;
        this.registry = registry;
        this.counters = new AtomicReferenceArray<>(callee.methods().size() * 2);
    }

    @Override
    public boolean answeredAgainSince(long nanoTime) {
        return next.answeredAgainSince(nanoTime);
    }

    @Override
    public Object invoke(MethodDescriptor method, Object[] arguments) throws Exception {
        long[] wire = WireBytes.ofThisThread();
        long sent = wire[0];
        long received = wire[1];
        try {
            return next.invoke(method, arguments);
        } finally {
            counter(method, 0).increment(wire[0] - sent);
            counter(method, 1).increment(wire[1] - received);
        }
    }

    private Counter counter(MethodDescriptor method, int direction) {
        int at = method.index() * 2 + direction;
        Counter counter = counters.get(at);
        if (counter == null) {
            // registering twice returns the same meter, so a race only costs a lookup
            counter = Counter.builder("cleave.calls.bytes")
                    .description("Bytes this process's calls to a component method put on the wire (sent: request frames)"
                            + " and took off it (received: replies), retries included")
                    .baseUnit("bytes")
                    .tag("component", callee.name()).tag("method", method.name())
                    .tag("direction", direction == 0 ? "sent" : "received")
                    .register(registry);
            counters.set(at, counter);
        }
        return counter;
    }

    @Override
    public String toString() {
        return "wire-counted(" + callee.name() + ") -> " + next;
    }
}
