package io.cleave;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A cache of values of one type, keyed by strings: a near tier in the process (bounded in size,
 * entries expire after a time) and, with {@code [cache] redis-url} set, a shared tier in Redis
 * that every replica reads and fills. A component asks for one per use in its constructor; the
 * parameter's name names the cache ({@code Catalog.pages} for {@code Cache<ProductPage> pages} in
 * {@code CatalogImpl}). Values cross the shared tier encoded with the generated codecs, so the
 * type argument is any value a component method could take (a record, typically).
 *
 * <pre>{@code
 * public CatalogImpl(Store store, Cache<ProductPage> pages) { ... }
 *
 * public ProductPage page(String sku) throws UnknownProductException {
 *     return pages.get(sku, this::loadPage);           // 100 concurrent misses: one load
 * }
 *
 * @Subscribe
 * public void productChanged(ProductChanged event, String eventId) {
 *     pages.invalidate(event.sku());                   // every replica and the shared tier drop it
 * }
 * }</pre>
 *
 * <p>Invalidation reaches every process of the application that holds the same cache (through
 * the shared tier's publish/subscribe channel), so a subscriber of the event that says a key
 * changed invalidates it once, on whichever replica the event reached. The cache never fails a
 * call because the shared tier is unreachable: it answers from the near tier or the loader,
 * counts the error and logs it.
 *
 * @param <V> the value type
 */
@RuntimeService
public interface Cache<V> {

    /**
     * The value of {@code key}: from the near tier, else from the shared tier, else from
     * {@code loader}, whose value is kept in both. Concurrent misses of one key in this process
     * run one load; the others wait for it and receive its value or its exception.
     *
     * @param key the key, 1 to 200 characters
     * @param loader computes the value on a miss; it must not return null
     * @param <X> what the loader may throw
     * @return the value, never null
     * @throws X what the loader threw (also to the callers that waited for that load)
     * @throws NullPointerException if the loader returned null
     * @throws IllegalArgumentException if the key is empty or longer than 200 characters
     */
    <X extends Exception> V get(String key, Loader<? extends V, X> loader) throws X;

    /**
     * The values of several keys at once: each from the near tier, else from the shared tier, and
     * the keys still missing from <em>one</em> call of {@code loader} (one query for a page of
     * products rather than one per product). Keys another caller of this process is loading are
     * not loaded again: this caller waits for that load, as in {@link #get}, once its own are
     * loaded. A value loaded before an invalidation of its key is returned but not kept.
     *
     * @param keys the keys, each 1 to 200 characters; repeats count once
     * @param loader computes the values of the missing keys; a key it leaves out has no value
     *     (left out of the answer, nothing kept: an unknown product, say)
     * @param <X> what the loader may throw
     * @return the keys that have a value, in the order of {@code keys}, with their values
     * @throws X what the loader threw (also to callers that waited for one of its keys)
     * @throws IllegalArgumentException if a key is empty or longer than 200 characters
     */
    <X extends Exception> Map<String, V> getAll(Collection<String> keys, BulkLoader<? extends V, X> loader) throws X;

    /**
     * The value of {@code key} if this process's near tier holds it, without loading.
     *
     * @param key the key
     * @return the value, or empty
     */
    Optional<V> getIfPresent(String key);

    /**
     * Drops {@code key} from the near tier of every process holding this cache and from the
     * shared tier, so the next {@link #get} loads it again. Call it when an event says the value
     * changed.
     *
     * @param key the key
     */
    void invalidate(String key);

    /**
     * Computes a value on a miss.
     *
     * @param <V> the value type
     * @param <X> what it may throw
     */
    @FunctionalInterface
    interface Loader<V, X extends Exception> {

        /**
         * Computes the value of a key.
         *
         * @param key the key
         * @return the value, never null
         * @throws X if it cannot
         */
        V load(String key) throws X;
    }

    /**
     * Computes the values of several missed keys at once.
     *
     * @param <V> the value type
     * @param <X> what it may throw
     */
    @FunctionalInterface
    interface BulkLoader<V, X extends Exception> {

        /**
         * Computes the values of keys.
         *
         * @param keys the keys missing from both tiers (not empty)
         * @return the values of those of {@code keys} that have one; other keys are ignored
         * @throws X if it cannot
         */
        Map<String, ? extends V> loadAll(Set<String> keys) throws X;
    }
}
