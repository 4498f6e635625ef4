package io.cleave.test.app;

import io.cleave.Lifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

public final class LibraryImpl implements Library, Lifecycle {
    /** How many instances were constructed and stopped, for the extension's own tests. */
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();
    public static final AtomicInteger STOPPED = new AtomicInteger();

    private final LibraryConfig config;
    private final List<String> shelf = new ArrayList<>();

    public LibraryImpl(LibraryConfig config) {
        this.config = config;
        CONSTRUCTED.incrementAndGet();
    }

    @Override
    public synchronized int shelve(List<String> books) {
        shelf.addAll(books);
        return shelf.size();
    }

    @Override
    public synchronized List<String> shelf() {
        return List.copyOf(shelf);
    }

    @Override
    public int capacity() {
        return config.capacity();
    }

    @Override
    public synchronized String lend(String title) throws NotOnShelfException {
        if (!shelf.remove(title)) {
            throw new NotOnShelfException(title + " is not on the shelf of " + config.name());
        }
        return title;
    }

    @Override
    public void stop() {
        STOPPED.incrementAndGet();
    }
}
