package io.cleave.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.cleave.Cache;
import io.cleave.spi.Codec;
import io.cleave.spi.CodecException;
import io.cleave.spi.Reader;
import io.cleave.spi.Writer;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A {@link Cache}: a Caffeine near tier in front of an optional {@link SharedTier}. A miss claims
 * the key with a future of its own, so concurrent misses of the key find it and wait: one load.
 * The load runs on the caller's thread, within its call context. An invalidation removes the
 * claim too, so a load that read the old value before the change does not keep it.
 */
final class TieredCache<V> implements Cache<V>, AutoCloseable {

    private final String name;
    private final boolean enabled;
    private final Codec<V> codec;
    private final com.github.benmanes.caffeine.cache.Cache<String, V> near;
    /** The loads running in this process, by key: a miss that finds one waits for it. */
    private final ConcurrentHashMap<String, CompletableFuture<V>> loading = new ConcurrentHashMap<>();
    private final SharedTier shared; // null without [cache] redis-url

    /**
     * @param name {@code Component.parameter}
     * @param ticker the near tier's clock
     * @param executor runs the near tier's maintenance (evictions)
     */
    TieredCache(String name, Codec<V> codec, CacheSettings settings, Ticker ticker, Executor executor) {
        this.name = name;
        this.enabled = settings.enabled();
        this.codec = codec;
        this.near = Caffeine.newBuilder()
                .maximumSize(settings.nearMaxEntries())
                .expireAfterWrite(settings.nearTtl())
                .ticker(ticker)
                .executor(executor)
                .build();
        Optional<URI> url = settings.redisUrl();
        this.shared = url.isEmpty() || !enabled ? null
                : new SharedTier(name, url.get(), settings, this::drop, this::dropAll, ticker::read);
    }

    @Override
    public <X extends Exception> V get(String key, Loader<? extends V, X> loader) throws X {
        checkKey(key);
        V hit = near.getIfPresent(key);
        if (hit != null) {
            return hit;
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = enabled ? loading.putIfAbsent(key, mine) : null; // disabled: never claimed, so not kept
        if (running != null) {
            V value = await(running);
            if (value != null) {
                return value;
            }
            // a bulk load that found no value for the key: this caller's loader may know better (or say why not)
        }
        return load(key, mine, loader);
    }

    private <X extends Exception> V load(String key, CompletableFuture<V> mine, Loader<? extends V, X> loader) throws X {
        try {
            Found<V> found = lookUp(key);
            V value = found.value();
            if (value == null) {
                value = loader.load(key);
                if (value == null) {
                    throw new NullPointerException("cache " + name + ": the loader of key \"" + key + "\" returned null");
                }
            }
            keep(key, mine, value, found);
            return value;
        } catch (Throwable t) {
            loading.remove(key, mine);
            mine.completeExceptionally(t);
            throw t;
        }
    }

    @Override
    public <X extends Exception> Map<String, V> getAll(Collection<String> keys, BulkLoader<? extends V, X> loader) throws X {
        Set<String> distinct = new LinkedHashSet<>(keys);
        distinct.forEach(this::checkKey); // all first: a bad key after some were claimed would leave their claims behind
        Map<String, V> values = new HashMap<>();
        Map<String, CompletableFuture<V>> mine = new LinkedHashMap<>();
        Map<String, CompletableFuture<V>> others = new LinkedHashMap<>();
        for (String key : distinct) {
            V hit = near.getIfPresent(key);
            if (hit != null) {
                values.put(key, hit);
                continue;
            }
            CompletableFuture<V> claim = new CompletableFuture<>();
            CompletableFuture<V> running = enabled ? loading.putIfAbsent(key, claim) : null; // disabled: nothing shared
            if (running != null) {
                others.put(key, running);
            } else {
                mine.put(key, claim);
            }
        }
        if (!mine.isEmpty()) {
            loadAll(mine, loader, values);
        }
        // only once our own claims are settled: two callers waiting for each other's keys would wait forever
        Set<String> again = new LinkedHashSet<>();
        others.forEach((key, running) -> {
            V value = running.handle((v, failure) -> failure == null ? v : null).join();
            if (value != null) {
                values.put(key, value);
            } else {
                again.add(key); // another caller's load failed, or found no value: asked of our loader too, not kept
            }
        });
        if (!again.isEmpty()) {
            Map<String, ? extends V> loaded = loader.loadAll(Collections.unmodifiableSet(again));
            for (String key : again) {
                V value = loaded.get(key);
                if (value != null) {
                    values.put(key, value);
                }
            }
        }
        Map<String, V> ordered = new LinkedHashMap<>();
        for (String key : distinct) {
            V value = values.get(key);
            if (value != null) {
                ordered.put(key, value);
            }
        }
        return ordered;
    }

    /** Settles every claim of {@code mine}: from the tiers, else from one call of the loader. */
    private <X extends Exception> void loadAll(Map<String, CompletableFuture<V>> mine, BulkLoader<? extends V, X> loader,
            Map<String, V> values) throws X {
        try {
            Map<String, Found<V>> found = new LinkedHashMap<>();
            Set<String> missing = new LinkedHashSet<>();
            for (String key : mine.keySet()) {
                Found<V> f = lookUp(key);
                found.put(key, f);
                if (f.value() == null) {
                    missing.add(key);
                }
            }
            Map<String, ? extends V> loaded = missing.isEmpty() ? Map.of() : loader.loadAll(Collections.unmodifiableSet(missing));
            for (Map.Entry<String, CompletableFuture<V>> claim : mine.entrySet()) {
                String key = claim.getKey();
                Found<V> inTier = found.get(key);
                V value = inTier.value() != null ? inTier.value() : loaded.get(key);
                if (value == null) { // no value: callers waiting for this key load it themselves
                    loading.remove(key, claim.getValue());
                    claim.getValue().complete(null);
                    continue;
                }
                values.put(key, value);
                keep(key, claim.getValue(), value, inTier); // disabled: never claimed, so not kept
            }
        } catch (Throwable t) {
            mine.forEach((key, claim) -> {
                loading.remove(key, claim);
                claim.completeExceptionally(t);
            });
            throw t;
        }
    }

    /** What a miss finds before it loads: a value another load put meanwhile, else the shared tier's. */
    private Found<V> lookUp(String key) {
        V value = near.getIfPresent(key); // a load that ended between our miss and our claim
        SharedTier.Read read = SharedTier.Read.UNKNOWN;
        if (value == null && shared != null) {
            read = shared.get(key);
            value = decode(key, read);
        }
        return new Found<>(value, read);
    }

    /**
     * Keeps a value this caller's claim produced, in the near tier and (if it came from the loader)
     * the shared one, then hands it to the callers waiting for the claim.
     */
    private void keep(String key, CompletableFuture<V> mine, V value, Found<V> found) {
        // an invalidation during the load took our claim: the value may be stale, so it is not kept
        if (loading.remove(key, mine)) {
            near.put(key, value);
            if (found.value() == null && shared != null) {
                Writer out = new Writer(256);
                codec.write(out, value);
                shared.put(key, out.toByteArray(), found.read()); // nor kept there, if another process invalidated it since
            }
        }
        mine.complete(value);
    }

    /** A value found in a tier (null if none), and what the shared tier answered. */
    private record Found<V>(V value, SharedTier.Read read) {
    }

    private V decode(String key, SharedTier.Read read) {
        if (read.value().isEmpty()) {
            return null;
        }
        try {
            return codec.read(new Reader(read.value().get()));
        } catch (CodecException | IndexOutOfBoundsException e) {
            System.getLogger(TieredCache.class.getName()).log(System.Logger.Level.WARNING,
                    "cache " + name + ": the shared value of key \"" + key + "\" cannot be decoded (" + e.getMessage()
                            + "); loading it again");
            return null;
        }
    }

    private static <V> V await(CompletableFuture<V> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw TieredCache.<RuntimeException>sneaky(e.getCause() == null ? e : e.getCause());
        }
    }

    /** Rethrows the loader's exception, checked or not, to a caller that waited for another caller's load. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            throw new IllegalArgumentException("cache " + name + ": a key must be 1 to 200 characters, not "
                    + (key == null ? "null" : key.isEmpty() ? "empty" : key.length() + " characters"));
        }
    }

    @Override
    public Optional<V> getIfPresent(String key) {
        return Optional.ofNullable(near.getIfPresent(key));
    }

    @Override
    public void invalidate(String key) {
        checkKey(key);
        drop(key);
        if (shared != null) {
            shared.invalidate(key);
        }
    }

    /** Drops a key from this process: its value, and the claim of a load running (whose value is then not kept). */
    private void drop(String key) {
        loading.remove(key);
        near.invalidate(key);
    }

    private void dropAll() {
        loading.clear();
        near.invalidateAll();
    }

    /** @return the shared tier, empty without one (for tests) */
    Optional<SharedTier> shared() {
        return Optional.ofNullable(shared);
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
    }

    @Override
    public String toString() {
        return "Cache " + name;
    }
}
