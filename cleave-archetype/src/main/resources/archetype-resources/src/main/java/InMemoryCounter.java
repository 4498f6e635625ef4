package ${package};

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts in memory. */
public final class InMemoryCounter implements Counter {
    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    public InMemoryCounter() {
    }

    @Override
    public long increment(String name) {
        return counts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }
}
