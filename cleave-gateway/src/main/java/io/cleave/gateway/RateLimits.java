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
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Token buckets by client and route: kept in this process (Bucket4j local buckets, bounded and
 * expiring once full again), or in Redis through Bucket4j's Lettuce proxy manager so every
 * gateway replica takes from the same bucket. When Redis cannot answer, requests are let through
 * (a limit is worth less than the site) and that is logged once per outage; while it does not,
 * one request a second asks it again and every other passes without asking, so a Redis that hangs
 * (stopped, not closed: every command waits for its timeout) costs one request a second that
 * wait, not every request.
 */
abstract sealed class RateLimits implements AutoCloseable permits RateLimits.Local, RateLimits.Shared {

    static final System.Logger LOG = System.getLogger("io.cleave.gateway");
    /** While Redis fails: how often one request asks it again. */
    static final long RETRY_EVERY_NANOS = 1_000_000_000L;

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
            return new Shared(application, settings.redis().get(), System::nanoTime);
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

    /**
     * Buckets in Redis, shared by the gateway's replicas. A Redis unreachable at start does not
     * stop the gateway: requests pass without limits, and one a second tries to connect.
     */
    static final class Shared extends RateLimits {

        /** How long connecting, or one bucket operation, may take. */
        private static final Duration TIMEOUT = Duration.ofSeconds(1);

        private final String prefix;
        private final RedisClient client;
        private volatile StatefulRedisConnection<String, byte[]> connection;
        private volatile ProxyManager<String> buckets;
        private final Map<RateLimit, BucketConfiguration> configurations = new ConcurrentHashMap<>();
        private final AtomicBoolean failing = new AtomicBoolean();
        /** While {@link #failing}: when Redis may be asked again ({@link #nanoTime}). */
        private final AtomicLong nextAttempt = new AtomicLong();
        private final LongAdder asked = new LongAdder();
        private final LongSupplier nanoTime;
        private final URI uri;
        private boolean closed;

        /** @param nanoTime when Redis may be asked again after a failure is measured by ({@link System#nanoTime} but in tests) */
        Shared(String application, URI uri, LongSupplier nanoTime) {
            this.uri = uri;
            this.nanoTime = nanoTime;
            this.prefix = "cleave:gateway:" + application + ":";
            RedisURI redisUri = RedisURI.create(uri.toString());
            redisUri.setTimeout(TIMEOUT); // the connection's handshake too: a stopped Redis accepts, then never answers
            this.client = RedisClient.create(redisUri);
            client.setOptions(ClientOptions.builder()
                    .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
                    .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                    .build());
            try {
                connect();
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        /** The buckets, connecting first if no connection was made yet. */
        private ProxyManager<String> buckets() {
            ProxyManager<String> made = buckets;
            return made != null ? made : connect();
        }

        private synchronized ProxyManager<String> connect() {
            if (buckets == null) {
                if (closed) {
                    throw new IllegalStateException("closed");
                }
                connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                buckets = Bucket4jLettuce.casBasedBuilder(connection)
                        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                Duration.ofSeconds(10)))
                        .requestTimeout(TIMEOUT)
                        .build();
            }
            return buckets;
        }

        private void failed(RuntimeException e) {
            nextAttempt.set(nanoTime.getAsLong() + RETRY_EVERY_NANOS);
            if (failing.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "gateway: Redis at " + uri + " ([gateway] redis-url) does not answer ("
                        + e + "); requests pass without rate limits until it does");
            }
        }

        @Override
        OptionalLong take(String scope, RateLimit limit, String client) {
            BucketConfiguration configuration = configurations.computeIfAbsent(limit, RateLimits::configuration);
            if (failing.get()) {
                long now = nanoTime.getAsLong();
                long next = nextAttempt.get();
                if (now - next < 0 || !nextAttempt.compareAndSet(next, now + RETRY_EVERY_NANOS)) {
                    return OptionalLong.empty(); // another request asks Redis this second
                }
            }
            asked.increment();
            try {
                OptionalLong verdict = verdict(buckets().getProxy(prefix + scope + ":" + client, () -> configuration)
                        .tryConsumeAndReturnRemaining(1));
                if (failing.compareAndSet(true, false)) {
                    LOG.log(System.Logger.Level.INFO, "gateway: Redis at " + uri + " answers again; rate limits apply");
                }
                return verdict;
            } catch (RuntimeException e) {
                failed(e);
                return OptionalLong.empty();
            }
        }

        /** How often Redis was asked, for tests. */
        long asked() {
            return asked.sum();
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                if (connection != null) {
                    connection.close();
                }
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
