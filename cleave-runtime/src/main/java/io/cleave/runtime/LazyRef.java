package io.cleave.runtime;

import io.cleave.Ref;
import java.util.function.Supplier;

/** A {@link Ref} that resolves once the application constructed all its components. */
final class LazyRef<T> implements Ref<T> {

    private final String owner;
    private final String target;
    private final RunningApp app;
    private final Supplier<T> resolve;

    LazyRef(String owner, String target, RunningApp app, Supplier<T> resolve) {
        this.owner = owner;
        this.target = target;
        this.app = app;
        this.resolve = resolve;
    }

    @Override
    public T get() {
        if (!app.constructed()) {
            throw new IllegalStateException("Ref<" + target + "> held by " + owner
                    + " was used before the application finished constructing its components;"
                    + " call get() from a method or from Lifecycle.start(), not from a constructor");
        }
        return resolve.get();
    }

    @Override
    public String toString() {
        return "Ref<" + target + ">";
    }
}
