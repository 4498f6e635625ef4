package io.cleave.runtime.shop;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Registry;
import java.util.List;

/** Lists dependents before their dependencies, so the runtime must order them itself. */
public final class Cleave_Registry implements Registry {
    @Override
    public List<ComponentDescriptor<?>> components() {
        return List.of(Shop_Cleave.CHECKOUT_COMPONENT, Shop_Cleave.CART, Shop_Cleave.CATALOG);
    }
}
