package io.cleave.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.cleave.Cache;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/** Prices computed from the SKU's length, kept in a {@code Cache} and in a map. */
public final class CachedPricesImpl implements CachedPrices {

    private final Cache<CachedPrice> cache;
    private final ConcurrentHashMap<String, CachedPrice> map = new ConcurrentHashMap<>();
    private final com.github.benmanes.caffeine.cache.Cache<String, CachedPrice> caffeine = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();

    /**
     * Creates it.
     *
     * @param cache the near cache (no shared tier in the benchmark)
     */
    public CachedPricesImpl(Cache<CachedPrice> cache) {
        this.cache = cache;
    }

    @Override
    public long cached(String sku) {
        return cache.get(sku, CachedPricesImpl::price).cents();
    }

    @Override
    public long mapped(String sku) {
        return map.computeIfAbsent(sku, CachedPricesImpl::price).cents();
    }

    @Override
    public long caffeine(String sku) {
        return caffeine.get(sku, CachedPricesImpl::price).cents();
    }

    private static CachedPrice price(String sku) {
        return new CachedPrice(100 + sku.length());
    }
}
