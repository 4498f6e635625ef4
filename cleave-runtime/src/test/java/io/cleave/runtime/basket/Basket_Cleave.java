package io.cleave.runtime.basket;

import io.cleave.spi.Codecs;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ExceptionType;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.List;

/** Shaped as cleave-codegen generates it. */
public final class Basket_Cleave {
    private Basket_Cleave() {
    }

    static final MethodDescriptor FILL = new MethodDescriptor("Basket", 0, "fill", "fill(java.util.List)", false, -1,
            List.of(Codecs.list(Codecs.STRING)), List.of("items"), Codecs.INT, List.of());
    static final MethodDescriptor STAMP = new MethodDescriptor("Basket", 1, "stamp", "stamp(byte[])", false, -1,
            List.of(Codecs.BYTES), List.of("data"), Codecs.INT, List.of());
    static final MethodDescriptor RESERVE = new MethodDescriptor("Basket", 2, "reserve", "reserve(java.lang.String)", false, -1,
            List.of(Codecs.STRING), List.of("item"), Codecs.STRING,
            List.of(new ExceptionType<>(OutOfStockException.class, OutOfStockException::new)));
    static final MethodDescriptor HOLD = new MethodDescriptor("Basket", 3, "hold", "hold()", false, -1, List.of(), List.of(),
            Codecs.STRING, List.of());
    static final MethodDescriptor SECONDS_LEFT = new MethodDescriptor("Basket", 4, "secondsLeft", "secondsLeft()", false, -1, List.of(),
            List.of(), Codecs.LONG, List.of());
    static final MethodDescriptor BYTES = new MethodDescriptor("Basket", 5, "bytes", "bytes(int)", false, -1, List.of(Codecs.INT),
            List.of("size"), Codecs.BYTES, List.of());

    @SuppressWarnings("unchecked")
    public static final ComponentDescriptor<Basket> DESCRIPTOR = new ComponentDescriptor<>(
            "Basket", Basket.class, BasketImpl.class, List.of(), args -> new BasketImpl(),
            List.of(FILL, STAMP, RESERVE, HOLD, SECONDS_LEFT, BYTES), Stub::new,
            (target, method, args) -> switch (method) {
                case 0 -> target.fill((List<String>) args[0]);
                case 1 -> target.stamp((byte[]) args[0]);
                case 2 -> target.reserve((String) args[0]);
                case 3 -> target.hold();
                case 4 -> target.secondsLeft();
                case 5 -> target.bytes((Integer) args[0]);
                default -> throw new IllegalArgumentException("Basket has no method #" + method);
            });

    static final class Stub implements Basket {
        private final Invoker invoker;

        Stub(Invoker invoker) {
            this.invoker = invoker;
        }

        @Override
        public int fill(List<String> items) {
            try {
                return (Integer) invoker.invoke(FILL, new Object[] {items});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int stamp(byte[] data) {
            try {
                return (Integer) invoker.invoke(STAMP, new Object[] {data});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String hold() {
            return (String) call(HOLD);
        }

        @Override
        public long secondsLeft() {
            return (Long) call(SECONDS_LEFT);
        }

        @Override
        public byte[] bytes(int size) {
            return (byte[]) call(BYTES, size);
        }

        private Object call(MethodDescriptor method, Object... arguments) {
            try {
                return invoker.invoke(method, arguments);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String reserve(String item) throws OutOfStockException {
            try {
                return (String) invoker.invoke(RESERVE, new Object[] {item});
            } catch (RuntimeException | OutOfStockException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
