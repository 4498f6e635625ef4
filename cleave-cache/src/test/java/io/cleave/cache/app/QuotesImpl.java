package io.cleave.cache.app;

import io.cleave.Cache;
import java.util.concurrent.atomic.AtomicLong;

/** Caches prices; each replica has its own near tier, all share the Redis tier. */
public final class QuotesImpl implements Quotes {

    private final Prices prices;
    private final Cache<Price> cache;
    private final AtomicLong loads = new AtomicLong();

    /**
     * Creates it.
     *
     * @param prices the source of truth
     * @param cache the prices it answered
     */
    public QuotesImpl(Prices prices, Cache<Price> cache) {
        this.prices = prices;
        this.cache = cache;
    }

    @Override
    public Quote quote(String sku) {
        Price price = cache.get(sku, k -> {
            loads.incrementAndGet();
            return new Price(k, prices.price(k));
        });
        return new Quote(price.sku(), price.cents(), ProcessHandle.current().pid());
    }

    @Override
    public void priceChanged(PriceChanged event, String eventId) {
        cache.invalidate(event.sku());
    }

    @Override
    public Loads loads() {
        return new Loads(ProcessHandle.current().pid(), loads.get());
    }
}
