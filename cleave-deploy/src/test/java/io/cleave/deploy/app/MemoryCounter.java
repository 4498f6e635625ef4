package io.cleave.deploy.app;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts in memory. */
public final class MemoryCounter implements Counter {

    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** Creates an empty counter. */
    public MemoryCounter() {
    }

    @Override
    public long increment(String name) {
        return counts.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public long count(String name) {
        AtomicLong c = counts.get(name);
        return c == null ? 0 : c.get();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public long pidFor(String key) {
        return ProcessHandle.current().pid();
    }

    @Override
    public long sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the call was cancelled
        }
        return ProcessHandle.current().pid();
    }

    @Override
    public byte[] fill(int bytes) {
        return new byte[bytes];
    }
}
