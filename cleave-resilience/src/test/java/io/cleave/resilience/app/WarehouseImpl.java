package io.cleave.resilience.app;

/** Does what the {@link Script} says. */
public final class WarehouseImpl implements Warehouse {

    /** Creates it. */
    public WarehouseImpl() {
    }

    @Override
    public int units(String sku) {
        try {
            Script.WAREHOUSE.enter();
        } catch (OverdrawnException e) {
            throw new IllegalStateException(e);
        }
        return 7;
    }
}
