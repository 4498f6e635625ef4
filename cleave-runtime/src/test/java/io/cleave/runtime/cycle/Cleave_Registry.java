package io.cleave.runtime.cycle;

import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import io.cleave.spi.Registry;
import java.util.List;

/** Ping takes Pong and Pong takes Ping: a cycle no Ref breaks. Never constructed, so no implementations. */
public final class Cleave_Registry implements Registry {
    static final class PingImpl implements Ping {
        @Override
        public String ping() {
            return "ping";
        }
    }

    static final class PongImpl implements Pong {
        @Override
        public String pong() {
            return "pong";
        }
    }

    static final ComponentDescriptor<Ping> PING = new ComponentDescriptor<>("Ping", Ping.class, PingImpl.class,
            List.of(new Dependency.OnComponent("pong", Pong.class)), args -> new PingImpl(), List.of(),
            invoker -> () -> "stub", (target, method, args) -> null);
    static final ComponentDescriptor<Pong> PONG = new ComponentDescriptor<>("Pong", Pong.class, PongImpl.class,
            List.of(new Dependency.OnComponent("ping", Ping.class)), args -> new PongImpl(), List.of(),
            invoker -> () -> "stub", (target, method, args) -> null);

    @Override
    public List<ComponentDescriptor<?>> components() {
        return List.of(PING, PONG);
    }
}
