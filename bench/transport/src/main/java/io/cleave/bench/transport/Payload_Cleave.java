package io.cleave.bench.transport;

import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.List;

/** In the shape cleave-codegen generates, written by hand until the processor is on main. */
public final class Payload_Cleave {

    static final MethodDescriptor ECHO = new MethodDescriptor("Payload", 0, "echo", true, -1, List.of(Codecs.BYTES), Codecs.BYTES, List.of());

    public static final ComponentDescriptor<Payload> DESCRIPTOR = new ComponentDescriptor<>("Payload", Payload.class,
            Impl.class, List.of(), args -> new Impl(), List.of(ECHO), Stub::new,
            (target, method, args) -> switch (method) {
                case 0 -> target.echo((byte[]) args[0]);
                default -> throw new IllegalArgumentException("Payload has no method #" + method);
            });

    private Payload_Cleave() {
    }

    /** The implementation the server hosts. */
    static final class Impl implements Payload {
        @Override
        public byte[] echo(byte[] payload) {
            return payload;
        }
    }

    private record Stub(Invoker invoker) implements Payload {
        @Override
        public byte[] echo(byte[] payload) {
            try {
                return (byte[]) invoker.invoke(ECHO, new Object[] {payload});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
