package io.cleave.runtime.basket;

import io.cleave.CallContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

public final class BasketImpl implements Basket {

    /** Completed by {@link #hold()} when interrupted: whether its call context was cancelled by then. */
    public static final CompletableFuture<Boolean> HELD = new CompletableFuture<>();

    @Override
    public int fill(List<String> items) {
        items.add("bonus");
        return items.size();
    }

    @Override
    public int stamp(byte[] data) {
        data[0] = 42;
        return data.length;
    }

    @Override
    public String hold() {
        try {
            new CountDownLatch(1).await();
            return "never";
        } catch (InterruptedException e) {
            HELD.complete(CallContext.current().cancelled());
            return "interrupted";
        }
    }

    @Override
    public long secondsLeft() {
        return CallContext.current().remaining().map(Duration::toSeconds).orElse(-1L);
    }

    @Override
    public byte[] bytes(int size) {
        return new byte[size];
    }

    @Override
    public String reserve(String item) throws OutOfStockException {
        return switch (item) {
            case "gold" -> throw new OutOfStockException("gold is sold out");
            case "glitch" -> throw new IllegalStateException("shelf index corrupt");
            default -> "reserved " + item;
        };
    }
}
