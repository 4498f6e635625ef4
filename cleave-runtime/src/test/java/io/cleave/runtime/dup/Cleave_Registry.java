package io.cleave.runtime.dup;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Registry;
import java.util.List;

/** A second component named "Greeter". */
public final class Cleave_Registry implements Registry {
    static final class ImpostorImpl implements Impostor {
        @Override
        public String greet(String name) {
            return "boo";
        }
    }

    static final ComponentDescriptor<Impostor> IMPOSTOR = new ComponentDescriptor<>("Greeter", Impostor.class,
            ImpostorImpl.class, List.of(), args -> new ImpostorImpl(), List.of(), invoker -> name -> "stub",
            (target, method, args) -> null);

    @Override
    public List<ComponentDescriptor<?>> components() {
        return List.of(IMPOSTOR);
    }
}
