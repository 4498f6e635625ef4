package io.cleave.runtime.shop;

public final class CheckoutImpl extends Recording implements Checkout {
    private final Cart cart;
    private final CheckoutConfig config;

    public CheckoutImpl(Cart cart, Catalog catalog, Journal journal, CheckoutConfig config) {
        super("Checkout", journal);
        if (config.failInConstructor()) {
            throw new IllegalArgumentException("no payment provider configured");
        }
        this.cart = cart;
        this.config = config;
    }

    @Override
    public void start() throws Exception {
        super.start();
        if (config.failOnStart()) {
            throw new java.io.IOException("payment gateway unreachable");
        }
    }

    @Override
    public String checkout() {
        return "paid " + cart.add("receipt");
    }
}
