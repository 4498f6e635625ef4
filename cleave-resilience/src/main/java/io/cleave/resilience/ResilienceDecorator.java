package io.cleave.resilience;

import io.cleave.runtime.spi.CallDecorator;
import java.util.Set;

/**
 * Resilience policies on the calls between components, from {@code [resilience]} in
 * {@code cleave.toml}: timeouts, retries within a budget, circuit breakers, bulkheads, and the
 * fallbacks components declare ({@link io.cleave.Fallback}). See the module README.
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class ResilienceDecorator implements CallDecorator {

    /** Creates the decorator; called by {@link java.util.ServiceLoader}. */
    public ResilienceDecorator() {
    }

    @Override
    public String describe() {
        return "cleave-resilience";
    }

    @Override
    public Set<String> sections() {
        return Set.of("resilience");
    }

    @Override
    public void check(Context context) {
        Policies.read(context);
    }

    @Override
    public Decoration create(Context context) {
        return Policies.read(context);
    }
}
