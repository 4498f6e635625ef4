package io.cleave.cache;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

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
 * @param edgePurges from {@code [cache.edge-purge]}: by cache name ({@code Component.parameter}), the
 *     path prefix the gateway's edge cache drops when a key of that cache is invalidated, where
 *     {@code {key}} stands for the key (percent-encoded)
 * @param edgeChannel the Redis channel gateway replicas take purges from ({@code cleave-gateway}'s
 *     {@code cleave:gateway:<application>:purge})
 */
record CacheSettings(boolean enabled, Optional<URI> redisUrl, String keyPrefix, int nearMaxEntries, Duration nearTtl, Duration sharedTtl,
        Duration redisTimeout, Duration reconnectInterval, Map<String, String> edgePurges, String edgeChannel) {

    static final Set<String> KEYS = Set.of("enabled", "redis-url", "key-prefix", "near-max-entries", "near-ttl", "shared-ttl",
            "redis-timeout", "reconnect-interval");
    static final String EDGE_PURGE = "edge-purge";

    /** A cache's name: {@code Component.parameter}. */
    private static final Pattern CACHE_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*\\.[A-Za-z_$][A-Za-z0-9_$]*");
    /** A path prefix: {@code /} then visible ASCII, no query, fragment, quote, backslash or braces but one {@code {key}}. */
    private static final Pattern PATH = Pattern.compile("/[!$%&'()*+,\\-./0-9:;=@A-Z_a-z~]*(\\{key}[!$%&'()*+,\\-./0-9:;=@A-Z_a-z~]*)?");

    CacheSettings {
        edgePurges = Map.copyOf(edgePurges);
    }

    static CacheSettings read(ConfigSection section, String application) {
        section.rejectUnknown(KEYS);
        section.rejectUnknownSubsections(Set.of(EDGE_PURGE), "a table of [cache] ([cache.edge-purge])");
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
                section.positiveDuration("reconnect-interval", Duration.ofSeconds(1)),
                edgePurges(section, url.isPresent()), "cleave:gateway:" + application + ":purge");
    }

    /**
     * Reads {@code [cache.edge-purge]}: {@code "Component.parameter" = "/path/{key}"} lines.
     *
     * @throws ConfigError naming the line at fault and what would be valid
     */
    private static Map<String, String> edgePurges(ConfigSection cache, boolean redis) {
        if (!cache.subsections().contains(EDGE_PURGE)) {
            return Map.of();
        }
        ConfigSection table = cache.subsection(EDGE_PURGE);
        String at = "[" + table.path() + "]";
        table.rejectUnknownSubsections(Set.of(), "a table inside " + at + ", whose lines are \"Component.parameter\" = \"/path/{key}\"");
        Map<String, String> purges = new LinkedHashMap<>();
        for (String name : table.keys()) {
            if (!CACHE_NAME.matcher(name).matches()) {
                throw new ConfigError(at + " \"" + name + "\": a cache is named Component.parameter, after the"
                        + " constructor parameter that asks for it, such as \"Catalog.products\"");
            }
            String path = table.string(name);
            if (!PATH.matcher(path).matches()) {
                throw new ConfigError(at + " \"" + name + "\" = \"" + path + "\": expected a path prefix starting with \"/\","
                        + " with {key} at most once where the invalidated key goes, such as \"/api/products/{key}\""
                        + " (no query, no spaces, no quotes)");
            }
            purges.put(name, path);
        }
        if (!purges.isEmpty() && !redis) {
            throw new ConfigError(at + " tells the gateway's edge cache through Redis, and [cache] has no redis-url;"
                    + " add redis-url = \"redis://127.0.0.1:6379\" (the Redis of [gateway] redis-url)");
        }
        return purges;
    }

    /**
     * The path prefix the gateway drops when {@code key} of {@code cache} is invalidated, if
     * {@code [cache.edge-purge]} names the cache.
     */
    Optional<String> edgePurge(String cache, String key) {
        String template = edgePurges.get(cache);
        if (template == null) {
            return Optional.empty();
        }
        return Optional.of(template.replace("{key}", percentEncoded(key)));
    }

    /** {@code key} as one path segment: unreserved characters as they are, every other UTF-8 byte as {@code %XX}. */
    static String percentEncoded(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
