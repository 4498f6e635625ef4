package io.cleave.resilience.app;

import io.cleave.Component;
import io.cleave.Fallback;
import io.cleave.Idempotent;

/** A component with a fallback; what it does is scripted by the test ({@link Script}). */
@Component
public interface Warehouse {

    /**
     * Units on hand.
     *
     * @param sku the product
     * @return units, or -1 from the fallback when the warehouse cannot answer
     */
    @Idempotent
    @Fallback("unknown")
    int units(String sku);

    /**
     * What {@link #units} answers when the warehouse cannot.
     *
     * @param sku the product
     * @return -1
     */
    static int unknown(String sku) {
        return -1;
    }
}
