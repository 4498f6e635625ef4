package io.cleave.runtime.shop;

public final class CartImpl extends Recording implements Cart {
    private final Catalog catalog;
    private int total;

    public CartImpl(Catalog catalog, Journal journal) {
        super("Cart", journal);
        this.catalog = catalog;
    }

    @Override
    public synchronized int add(String item) {
        total += catalog.price(item);
        return total;
    }
}
