package io.cleave.cache;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How caches work, from {@code [cache]}; every key optional.
 *
 * @param enabled false: every {@code get} runs its loader, nothing is kept (to measure what the
 *     caches save, or to rule them out)
 * @param redisUrl the shared tier's Redis, {@code redis://host:port[/database]}; empty for no
 *     shared tier (each process caches alone, invalidations reach only the process making them)
 * @param keyPrefix what every Redis key and the invalidation channel start with
 * @param nearMaxEntries the most entries the near tier of one cache keeps in one process
 * @param nearTtl how long after it was loaded a near entry is dropped
 * @param sharedTtl how long after it was written a shared entry expires in Redis
 * @param redisTimeout the longest one Redis command may take before the cache gives up on it
 *     and answers without the shared tier
 * @param reconnectInterval how often a process retries a Redis it could not connect to
 */
record CacheSettings(boolean enabled, Optional<URI> redisUrl, String keyPrefix, int nearMaxEntries, Duration nearTtl, Duration sharedTtl,
        Duration redisTimeout, Duration reconnectInterval) {

    static final Set<String> KEYS = Set.of("enabled", "redis-url", "key-prefix", "near-max-entries", "near-ttl", "shared-ttl",
            "redis-timeout", "reconnect-interval");

    static CacheSettings read(ConfigSection section, String application) {
        section.rejectUnknown(KEYS);
        Optional<URI> url = Optional.empty();
        if (section.has("redis-url")) {
            String text = section.string("redis-url");
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigError("[" + section.path() + "] redis-url = \"" + text + "\": not a URL (" + e.getMessage()
                        + "); expected redis://host:port, such as redis://127.0.0.1:6379");
            }
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigError("[" + section.path() + "] redis-url = \"" + text
                        + "\": expected redis://host:port, such as redis://127.0.0.1:6379");
            }
            url = Optional.of(uri);
        }
        String prefix = section.has("key-prefix") ? section.string("key-prefix") : "cleave:" + application + ":";
        if (prefix.isEmpty() || prefix.length() > 100 || prefix.chars().anyMatch(ch -> ch <= ' ')) {
            throw new ConfigError("[" + section.path() + "] key-prefix = \"" + prefix
                    + "\": must be 1 to 100 characters without spaces or control characters");
        }
        int max = 10_000;
        if (section.has("near-max-entries")) {
            long n = section.int64("near-max-entries");
            if (n < 1 || n > 100_000_000) {
                throw new ConfigError("[" + section.path() + "] near-max-entries = " + n + ": must be 1 to 100000000");
            }
            max = (int) n;
        }
        return new CacheSettings(!section.has("enabled") || section.bool("enabled"), url, prefix, max,
                section.positiveDuration("near-ttl", Duration.ofMinutes(5)),
                section.positiveDuration("shared-ttl", Duration.ofHours(1)),
                section.positiveDuration("redis-timeout", Duration.ofMillis(200)),
                section.positiveDuration("reconnect-interval", Duration.ofSeconds(1)));
    }
}
