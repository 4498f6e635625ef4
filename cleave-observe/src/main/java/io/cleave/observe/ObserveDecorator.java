package io.cleave.observe;

import io.cleave.runtime.spi.CallDecorator;
import java.util.Set;

/**
 * Metrics of every call between components, local calls included, and of the JVM, from
 * {@code [observe]} in {@code cleave.toml}, served in Prometheus format on each process's admin
 * endpoint. See the module README.
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class ObserveDecorator implements CallDecorator {

    /** Outermost of the decorators: it counts what callers see, policies' refusals and fallbacks included. */
    static final int ORDER = 1_000;

    /** Creates the decorator; called by {@link java.util.ServiceLoader}. */
    public ObserveDecorator() {
    }

    @Override
    public String describe() {
        return "cleave-observe";
    }

    @Override
    public Set<String> sections() {
        return Set.of(ObserveSettings.SECTION);
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void check(Context context) {
        ObserveSettings.read(context.section(ObserveSettings.SECTION));
    }

    @Override
    public Decoration create(Context context) {
        ObserveSettings settings = ObserveSettings.read(context.section(ObserveSettings.SECTION));
        return settings.enabled() ? Observation.start(context.application(), context.dataDirectory(), context.components(), settings) : new Off();
    }

    /** {@code enabled = false}: calls go by untouched, and a local caller gets the instance itself. */
    private static final class Off implements Decoration {
        @Override
        public io.cleave.spi.Invoker decorate(io.cleave.spi.ComponentDescriptor<?> callee, io.cleave.spi.Invoker next,
                boolean encoded) {
            return next;
        }
    }
}
