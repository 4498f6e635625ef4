package io.cleave.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.cleave.Cache;
import io.cleave.StartupException;
import io.cleave.spi.Codec;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.ServiceProvider;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;

/**
 * Supplies {@link Cache} (one per constructor parameter {@code Cache<V>}, named
 * {@code Component.parameter}). Settings: {@code [cache]} (see {@link CacheSettings}).
 *
 * <p>Found by {@link java.util.ServiceLoader}; applications do not use this class directly.
 */
public final class CacheProvider implements ServiceProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public CacheProvider() {
    }

    @Override
    public Set<String> sections() {
        return Set.of("cache");
    }

    /**
     * Checks {@code [cache]} before anything starts, {@code [cache.edge-purge]} against the caches
     * the components ask for and the gateway that would hear it.
     */
    @Override
    public AutoCloseable prepare(Preparation preparation) {
        CacheSettings settings = CacheSettings.read(preparation.section("cache"), preparation.application());
        if (!settings.edgePurges().isEmpty()) {
            Set<String> caches = new TreeSet<>();
            preparation.needs().stream().filter(n -> n.type() == Cache.class)
                    .forEach(n -> caches.add(n.component() + "." + n.parameter()));
            for (String name : settings.edgePurges().keySet()) {
                if (!caches.contains(name)) {
                    throw new ConfigError("[cache." + CacheSettings.EDGE_PURGE + "] \"" + name + "\": no component asks"
                            + " for a cache by that name; " + (caches.isEmpty() ? "no component asks for a Cache"
                            : "the caches are " + String.join(", ", caches)) + " (Component.parameter)");
                }
            }
            ConfigSection gateway = preparation.section("gateway");
            if (!gateway.has("redis-url")) {
                throw new ConfigError("[cache." + CacheSettings.EDGE_PURGE + "] tells the gateway's edge cache through"
                        + " Redis, and " + (gateway.keys().isEmpty() && gateway.subsections().isEmpty()
                        ? "there is no [gateway]" : "[gateway] has no redis-url") + ": it would purge nothing; give"
                        + " [gateway] the redis-url of [cache], or remove [cache." + CacheSettings.EDGE_PURGE + "]");
            }
        }
        return NOTHING;
    }

    @Override
    public Optional<?> provide(Request request) {
        if (request.type() != Cache.class) {
            return Optional.empty();
        }
        if (request.typeArguments().size() != 1) {
            throw new StartupException("component " + request.component() + ": constructor parameter \"" + request.parameter()
                    + "\" is a Cache without the codec of its value type; compile the component with cleave-codegen,"
                    + " which generates it, and give the type argument (Cache<ProductPage>)");
        }
        CacheSettings settings = CacheSettings.read(request.section("cache"), request.application());
        TieredCache<?> cache = create(request.component() + "." + request.parameter(), request.typeArguments().get(0), settings);
        request.closeOnStop(cache);
        return Optional.of(cache);
    }

    private static <V> TieredCache<V> create(String name, Codec<V> codec, CacheSettings settings) {
        return new TieredCache<>(name, codec, settings, Ticker.systemTicker(), ForkJoinPool.commonPool());
    }

    @Override
    public String describe() {
        return "cleave-cache (Cache)";
    }
}
