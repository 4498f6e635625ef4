package shop;

import io.cleave.Ref;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class CatalogImpl implements Catalog {
    final CatalogConfig config;
    final Clock clock;
    final System.Logger log;
    final Ref<Cart> cart;
    final List<Order> put = new ArrayList<>();

    public CatalogImpl(CatalogConfig config, Clock clock, System.Logger log, Ref<Cart> cart) {
        this.config = config;
        this.clock = clock;
        this.log = log;
        this.cart = cart;
    }

    @Override
    public String name() {
        return config.greeting();
    }

    @Override
    public Order find(long id) throws NotFoundException {
        if (id < 0) {
            throw new NotFoundException("no order " + id);
        }
        return Samples.order(id);
    }

    @Override
    public void put(Order order) {
        put.add(order);
    }

    @Override
    public List<Category> categories() {
        return List.of(Samples.tree());
    }

    @Override
    public int count(String prefix, String shard, Map<String, List<Line>> lines) {
        return prefix.length() * 100 + lines.size();
    }
}
