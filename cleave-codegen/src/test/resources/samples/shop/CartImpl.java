package shop;

import java.util.Optional;

public final class CartImpl implements Cart {
    final Catalog catalog;
    final Store store;
    final CartConfig config;

    public CartImpl(Catalog catalog, Store store, CartConfig config) {
        this.catalog = catalog;
        this.store = store;
        this.config = config;
    }

    CartImpl() {
        this(null, null, null);
    }

    @Override
    public void add(String user, Line line) {
    }

    @Override
    public Optional<Order> checkout(String user) {
        return Optional.empty();
    }
}
