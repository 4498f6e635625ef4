package io.cleave.runtime.refs;

import io.cleave.Ref;
import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import io.cleave.spi.Registry;
import java.util.List;
import java.util.Set;

/** Chicken takes Egg; Egg takes Ref&lt;Chicken&gt;: a cycle broken by a Ref. */
public final class Cleave_Registry implements Registry {
    static final MethodDescriptor NAME = new MethodDescriptor("Chicken", 0, "name", "name()", false, -1, List.of(), List.of(), Codecs.STRING, List.of());
    static final MethodDescriptor FIRST_EGG = new MethodDescriptor("Chicken", 1, "firstEgg", "firstEgg()", false, -1, List.of(), List.of(), Codecs.STRING, List.of());
    static final MethodDescriptor LABEL = new MethodDescriptor("Egg", 0, "label", "label()", false, -1, List.of(), List.of(), Codecs.STRING, List.of());
    static final MethodDescriptor MOTHER = new MethodDescriptor("Egg", 1, "mother", "mother()", false, -1, List.of(), List.of(), Codecs.STRING, List.of());

    @SuppressWarnings("unchecked")
    static final ComponentDescriptor<Chicken> CHICKEN = new ComponentDescriptor<>("Chicken", Chicken.class, ChickenImpl.class,
            List.of(new Dependency.OnComponent("egg", Egg.class)), args -> new ChickenImpl((Egg) args[0]),
            List.of(NAME, FIRST_EGG),
            invoker -> new Chicken() {
                @Override
                public String name() {
                    return call(invoker, NAME);
                }

                @Override
                public String firstEgg() {
                    return call(invoker, FIRST_EGG);
                }
            },
            (target, method, args) -> switch (method) {
                case 0 -> target.name();
                case 1 -> target.firstEgg();
                default -> throw new IllegalArgumentException("Chicken has no method #" + method);
            });

    @SuppressWarnings("unchecked")
    static final ComponentDescriptor<Egg> EGG = new ComponentDescriptor<>("Egg", Egg.class, EggImpl.class,
            List.of(new Dependency.OnRef("chicken", Chicken.class),
                    new Dependency.OnConfig<>("config", EggConfig.class, section -> {
                        section.rejectUnknown(Set.of("eager"));
                        return new EggConfig(section.has("eager") && section.bool("eager"));
                    })),
            args -> new EggImpl((Ref<Chicken>) args[0], (EggConfig) args[1]),
            List.of(LABEL, MOTHER),
            invoker -> new Egg() {
                @Override
                public String label() {
                    return call(invoker, LABEL);
                }

                @Override
                public String mother() {
                    return call(invoker, MOTHER);
                }
            },
            (target, method, args) -> switch (method) {
                case 0 -> target.label();
                case 1 -> target.mother();
                default -> throw new IllegalArgumentException("Egg has no method #" + method);
            });

    private static String call(Invoker invoker, MethodDescriptor method) {
        try {
            return (String) invoker.invoke(method, new Object[] {});
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<ComponentDescriptor<?>> components() {
        return List.of(CHICKEN, EGG);
    }
}
