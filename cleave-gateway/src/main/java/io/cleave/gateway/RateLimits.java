package io.cleave.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.cleave.gateway.GatewaySettings.RateLimit;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token buckets by client and route: kept in this process (Bucket4j local buckets, bounded and
 * expiring once full again), or in Redis through Bucket4j's Lettuce proxy manager so every
 * gateway replica takes from the same bucket. When Redis cannot answer, requests are let through
 * (a limit is worth less than the site) and that is logged once per outage.
 */
abstract sealed class RateLimits implements AutoCloseable permits RateLimits.Local, RateLimits.Shared {

    static final System.Logger LOG = System.getLogger("io.cleave.gateway");

    /**
     * Takes a token for a request.
     *
     * @param scope the route prefix whose limit applies, or {@code *} for the top-level one
     * @param limit the limit
     * @param client the client's key (address, header or cookie value)
     * @return empty when the request may pass; else the whole seconds until it could
     */
    abstract OptionalLong take(String scope, RateLimit limit, String client);

    @Override
    public abstract void close();

    /** Buckets for these settings: in Redis when {@code redis-url} is set, else local (logged once). */
    static RateLimits create(String application, GatewaySettings settings) {
        if (settings.redis().isPresent()) {
            return new Shared(application, settings.redis().get());
        }
        if (settings.rateLimit().isPresent() || !settings.routes().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "gateway of " + application + ": rate limits are kept in this process"
                    + " (no redis-url): with several gateway replicas each allows the full rate");
        }
        return new Local(settings);
    }

    private static BucketConfiguration configuration(RateLimit limit) {
        return BucketConfiguration.builder()
                .addLimit(b -> b.capacity(limit.burst()).refillGreedy(limit.tokens(), limit.period()))
                .build();
    }

    private static OptionalLong verdict(ConsumptionProbe probe) {
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    /** Buckets in this process. */
    static final class Local extends RateLimits {

        private final Cache<String, Bucket> buckets;

        Local(GatewaySettings settings) {
            // a bucket idle for as long as it takes to fill is as good as a new one: forget it then
            Duration refill = Duration.ofSeconds(1);
            for (RateLimit l : limits(settings)) {
                Duration full = l.period().multipliedBy(Math.max(1, (l.burst() + l.tokens() - 1) / l.tokens()));
                refill = full.compareTo(refill) > 0 ? full : refill;
            }
            this.buckets = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(refill).build();
        }

        @Override
        OptionalLong take(String scope, RateLimit limit, String client) {
            Bucket bucket = buckets.get(scope + " " + client, k -> Bucket.builder()
                    .addLimit(b -> b.capacity(limit.burst()).refillGreedy(limit.tokens(), limit.period())).build());
            return verdict(bucket.tryConsumeAndReturnRemaining(1));
        }

        @Override
        public void close() {
            buckets.invalidateAll();
        }
    }

    private static List<RateLimit> limits(GatewaySettings settings) {
        return java.util.stream.Stream.concat(settings.rateLimit().stream(),
                settings.routes().stream().map(GatewaySettings.Route::limit)).toList();
    }

    /** Buckets in Redis, shared by the gateway's replicas. */
    static final class Shared extends RateLimits {

        private final String prefix;
        private final RedisClient client;
        private final StatefulRedisConnection<String, byte[]> connection;
        private final ProxyManager<String> buckets;
        private final Map<RateLimit, BucketConfiguration> configurations = new ConcurrentHashMap<>();
        private final AtomicBoolean failing = new AtomicBoolean();
        private final URI uri;

        Shared(String application, URI uri) {
            this.uri = uri;
            this.prefix = "cleave:gateway:" + application + ":";
            this.client = RedisClient.create(uri.toString());
            try {
                this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            } catch (RuntimeException e) {
                client.shutdown();
                throw new IllegalStateException("gateway: cannot reach Redis at " + uri + " ([gateway] redis-url): "
                        + e.getMessage(), e);
            }
            this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                            Duration.ofSeconds(10)))
                    .requestTimeout(Duration.ofSeconds(1))
                    .build();
        }

        @Override
        OptionalLong take(String scope, RateLimit limit, String client) {
            BucketConfiguration configuration = configurations.computeIfAbsent(limit, RateLimits::configuration);
            try {
                OptionalLong verdict = verdict(buckets.getProxy(prefix + scope + ":" + client, () -> configuration)
                        .tryConsumeAndReturnRemaining(1));
                if (failing.compareAndSet(true, false)) {
                    LOG.log(System.Logger.Level.INFO, "gateway: Redis at " + uri + " answers again; rate limits apply");
                }
                return verdict;
            } catch (RuntimeException e) {
                if (failing.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "gateway: Redis at " + uri + " does not answer (" + e
                            + "); requests pass without rate limits until it does");
                }
                return OptionalLong.empty();
            }
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
