package io.cleave.examples.hello;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Keeps counts in memory; with replicas, {@code @Key} routing keeps each name on one replica. */
final class InMemoryCounter implements Counter {

    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** Creates an empty counter. */
    public InMemoryCounter() {
    }

    @Override
    public long increment(String name) {
        return counts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public long count(String name) {
        AtomicLong count = counts.get(name);
        return count == null ? 0 : count.get();
    }
}
