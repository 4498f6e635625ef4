package io.cleave.kube.app;

/** Takes one from {@link Stock} per order. */
public final class StockedOrders implements Orders {

    private final Stock stock;

    /** @param stock where items are taken from */
    public StockedOrders(Stock stock) {
        this.stock = stock;
    }

    @Override
    public int place(String sku) {
        return stock.take(sku);
    }
}
