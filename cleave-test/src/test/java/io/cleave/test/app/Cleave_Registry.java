package io.cleave.test.app;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Registry;
import java.util.List;

/** Shaped as cleave-codegen generates it. */
public final class Cleave_Registry implements Registry {
    @Override
    public List<ComponentDescriptor<?>> components() {
        return List.of(Library_Cleave.DESCRIPTOR);
    }
}
