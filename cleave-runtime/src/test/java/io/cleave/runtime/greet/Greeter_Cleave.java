package io.cleave.runtime.greet;

import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Shaped as cleave-codegen generates it. */
public final class Greeter_Cleave {
    private Greeter_Cleave() {
    }

    static final MethodDescriptor GREET = new MethodDescriptor("Greeter", 0, "greet", "greet(java.lang.String)", false, -1, List.of(Codecs.STRING),
            List.of("name"), Codecs.STRING, List.of());
    static final MethodDescriptor MAX_CONNECTIONS = new MethodDescriptor("Greeter", 1, "maxConnections", "maxConnections()", false, -1,
            List.of(), List.of(), Codecs.INT, List.of());
    static final MethodDescriptor NOW = new MethodDescriptor("Greeter", 2, "now", "now()", false, -1, List.of(), List.of(), Codecs.INSTANT,
            List.of());

    public static final ComponentDescriptor<Greeter> DESCRIPTOR = new ComponentDescriptor<>(
            "Greeter", Greeter.class, GreeterImpl.class,
            List.of(new Dependency.OnConfig<>("config", GreeterConfig.class, Greeter_Cleave::bind),
                    new Dependency.OnService("clock", Clock.class),
                    new Dependency.OnService("log", System.Logger.class)),
            args -> new GreeterImpl((GreeterConfig) args[0], (Clock) args[1], (System.Logger) args[2]),
            List.of(GREET, MAX_CONNECTIONS, NOW),
            Stub::new,
            (target, method, args) -> switch (method) {
                case 0 -> target.greet((String) args[0]);
                case 1 -> target.maxConnections();
                case 2 -> target.now();
                default -> throw new IllegalArgumentException("Greeter has no method #" + method);
            });

    static GreeterConfig bind(ConfigSection section) {
        section.rejectUnknown(Set.of("greeting", "times", "max-connections"));
        return new GreeterConfig(section.string("greeting"), section.has("times") ? section.int32("times") : 1,
                section.has("max-connections") ? section.int32("max-connections") : 10);
    }

    static final class Stub implements Greeter {
        private final Invoker invoker;

        Stub(Invoker invoker) {
            this.invoker = invoker;
        }

        @Override
        public String greet(String name) {
            try {
                return (String) invoker.invoke(GREET, new Object[] {name});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int maxConnections() {
            try {
                return (Integer) invoker.invoke(MAX_CONNECTIONS, new Object[] {});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Instant now() {
            try {
                return (Instant) invoker.invoke(NOW, new Object[] {});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
