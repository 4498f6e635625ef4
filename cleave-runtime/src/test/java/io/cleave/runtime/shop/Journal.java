package io.cleave.runtime.shop;

import io.cleave.RuntimeService;
import java.util.ArrayList;
import java.util.List;

/** A runtime service the tests supply, in which components record their lifecycle. */
@RuntimeService
public final class Journal {
    private final List<String> events = new ArrayList<>();

    public synchronized void record(String event) {
        events.add(event);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }
}
