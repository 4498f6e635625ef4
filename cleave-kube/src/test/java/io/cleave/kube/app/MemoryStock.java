package io.cleave.kube.app;

import java.util.concurrent.ConcurrentHashMap;

/** Ten of everything, in memory. */
public final class MemoryStock implements Stock {

    private final ConcurrentHashMap<String, Integer> left = new ConcurrentHashMap<>();

    /** Creates it. */
    public MemoryStock() {
    }

    @Override
    public int take(String sku) {
        return left.merge(sku, 9, (a, b) -> a - 1);
    }
}
