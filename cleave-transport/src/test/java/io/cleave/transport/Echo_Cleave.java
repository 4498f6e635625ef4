package io.cleave.transport;

import io.cleave.spi.Codec;
import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ExceptionType;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.List;
import java.util.Map;

/**
 * Hand-written in the shape cleave-codegen generates (a descriptor, a stub calling
 * {@code invoker.invoke(METHOD, args)}, a switch dispatcher): the tests host {@link EchoImpl}s
 * named per replica, a constructor the processor would refuse in an application.
 */
public final class Echo_Cleave {

    private static final String NAME = "Echo";
    private static final List<ExceptionType<?>> NONE = List.of();

    static final MethodDescriptor ECHO = new MethodDescriptor(NAME, 0, "echo", "echo(java.lang.String)", false, -1, List.of(Codecs.STRING), List.of("text"), Codecs.STRING, NONE);
    static final MethodDescriptor MIRROR = new MethodDescriptor(NAME, 1, "mirror", "mirror(java.util.Map,byte[],int)", false, -1,
            List.<Codec<?>>of(Codecs.map(Codecs.STRING, Codecs.list(Codecs.LONG)), Codecs.BYTES, Codecs.INT),
            List.of("value", "bytes", "times"),
            Codecs.map(Codecs.STRING, Codecs.list(Codecs.LONG)), NONE);
    static final MethodDescriptor RESERVE = new MethodDescriptor(NAME, 2, "reserve", "reserve(java.lang.String)", false, -1, List.of(Codecs.STRING), List.of("sku"), Codecs.VOID,
            List.of(new ExceptionType<>(OutOfStockException.class, OutOfStockException::new)));
    static final MethodDescriptor CRASH = new MethodDescriptor(NAME, 3, "crash", "crash(java.lang.String)", false, -1, List.of(Codecs.STRING), List.of("message"), Codecs.VOID, NONE);
    static final MethodDescriptor CONTEXT = new MethodDescriptor(NAME, 4, "context", "context()", false, -1, List.of(), List.of(), Codecs.STRING, NONE);
    static final MethodDescriptor BLOCK = new MethodDescriptor(NAME, 5, "block", "block()", false, -1, List.of(), List.of(), Codecs.STRING, NONE);
    static final MethodDescriptor WHO_AM_I = new MethodDescriptor(NAME, 6, "whoAmI", "whoAmI()", true, -1, List.of(), List.of(), Codecs.STRING, NONE);
    static final MethodDescriptor ONCE = new MethodDescriptor(NAME, 7, "once", "once()", false, -1, List.of(), List.of(), Codecs.STRING, NONE);
    static final MethodDescriptor OWNER = new MethodDescriptor(NAME, 8, "owner", "owner(java.lang.String)", false, 0, List.of(Codecs.STRING), List.of("key"), Codecs.STRING, NONE);
    static final MethodDescriptor FILL = new MethodDescriptor(NAME, 9, "fill", "fill(int)", true, -1, List.of(Codecs.INT), List.of("bytes"), Codecs.BYTES, NONE);

    public static final ComponentDescriptor<Echo> DESCRIPTOR = new ComponentDescriptor<>(NAME, Echo.class, EchoImpl.class,
            List.of(), args -> new EchoImpl("factory"),
            List.of(ECHO, MIRROR, RESERVE, CRASH, CONTEXT, BLOCK, WHO_AM_I, ONCE, OWNER, FILL),
            Stub::new, Echo_Cleave::dispatch);

    private Echo_Cleave() {
    }

    @SuppressWarnings("unchecked")
    private static Object dispatch(Echo target, int method, Object[] a) throws Exception {
        return switch (method) {
            case 0 -> target.echo((String) a[0]);
            case 1 -> target.mirror((Map<String, List<Long>>) a[0], (byte[]) a[1], (Integer) a[2]);
            case 2 -> {
                target.reserve((String) a[0]);
                yield null;
            }
            case 3 -> {
                target.crash((String) a[0]);
                yield null;
            }
            case 4 -> target.context();
            case 5 -> target.block();
            case 6 -> target.whoAmI();
            case 7 -> target.once();
            case 8 -> target.owner((String) a[0]);
            case 9 -> target.fill((Integer) a[0]);
            default -> throw new IllegalArgumentException("Echo has no method #" + method);
        };
    }

    private static final class Stub implements Echo {
        private final Invoker invoker;

        Stub(Invoker invoker) {
            this.invoker = invoker;
        }

        private Object call(MethodDescriptor m, Object... args) {
            try {
                return invoker.invoke(m, args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(m.fullName() + " threw an undeclared checked exception", e);
            }
        }

        @Override
        public String echo(String text) {
            return (String) call(ECHO, text);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, List<Long>> mirror(Map<String, List<Long>> value, byte[] bytes, int times) {
            return (Map<String, List<Long>>) call(MIRROR, value, bytes, times);
        }

        @Override
        public void reserve(String sku) throws OutOfStockException {
            try {
                invoker.invoke(RESERVE, new Object[] {sku});
            } catch (OutOfStockException | RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(RESERVE.fullName() + " threw an undeclared checked exception", e);
            }
        }

        @Override
        public void crash(String message) {
            call(CRASH, message);
        }

        @Override
        public String context() {
            return (String) call(CONTEXT);
        }

        @Override
        public String block() {
            return (String) call(BLOCK);
        }

        @Override
        public String whoAmI() {
            return (String) call(WHO_AM_I);
        }

        @Override
        public String once() {
            return (String) call(ONCE);
        }

        @Override
        public String owner(String key) {
            return (String) call(OWNER, key);
        }

        @Override
        public byte[] fill(int bytes) {
            return (byte[]) call(FILL, bytes);
        }
    }
}
