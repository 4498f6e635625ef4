package io.cleave.runtime.basket;

import java.util.List;

public final class BasketImpl implements Basket {
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
    public String reserve(String item) throws OutOfStockException {
        return switch (item) {
            case "gold" -> throw new OutOfStockException("gold is sold out");
            case "glitch" -> throw new IllegalStateException("shelf index corrupt");
            default -> "reserved " + item;
        };
    }
}
