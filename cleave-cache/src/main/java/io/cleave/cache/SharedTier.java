package io.cleave.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One cache's shared tier in Redis: values under {@code <key-prefix><cache>:<key>}, and the
 * invalidations of every process on channel {@code <key-prefix>invalidations}, each message
 * {@code <cache> <key>}. Never throws: a command that fails or takes longer than
 * {@code redis-timeout} counts as an error (logged at most every 10 s) and the cache answers
 * without it. A Redis unreachable at start is retried every {@code reconnect-interval}; once
 * connected, the client reconnects by itself, and every (re)connection clears the near tier,
 * since invalidations sent while this process was disconnected never reached it.
 */
final class SharedTier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedTier.class.getName());
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String cache;
    private final String keyPrefix;
    private final String channel;
    private final long ttlMillis;
    private final Consumer<String> dropNear;
    private final Runnable clearNear;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService reconnector;
    private final LongAdder errors = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;
    private volatile boolean closed;

    /**
     * Connects, or starts retrying in the background.
     *
     * @param cache the cache's name, {@code Component.parameter}
     * @param dropNear drops a key from this process's near tier (an invalidation arrived)
     * @param clearNear drops every key from this process's near tier (a reconnection)
     */
    SharedTier(String cache, URI url, CacheSettings settings, Consumer<String> dropNear, Runnable clearNear) {
        this.cache = cache;
        this.keyPrefix = settings.keyPrefix() + cache + ":";
        this.channel = settings.keyPrefix() + "invalidations";
        this.ttlMillis = settings.sharedTtl().toMillis();
        this.dropNear = dropNear;
        this.clearNear = clearNear;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources, RedisURI.create(url));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while disconnected rather than queueing: the cache answers without Redis
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.redisTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(settings.redisTimeout().multipliedBy(5)).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                clearNear.run();
            }
        });
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cleave-cache-connect-" + cache);
            t.setDaemon(true);
            return t;
        });
        if (!connect()) {
            long every = settings.reconnectInterval().toMillis();
            reconnector.scheduleWithFixedDelay(() -> {
                if (connect()) {
                    throw new IllegalStateException("connected"); // ends the schedule; nothing sees this
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized boolean connect() {
        if (closed) {
            return true;
        }
        try {
            if (subscription == null) {
                StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, String message) {
                        int space = message.indexOf(' ');
                        if (space > 0 && message.regionMatches(0, cache, 0, space) && space == cache.length()) {
                            dropNear.accept(message.substring(space + 1));
                        }
                    }
                });
                sub.sync().subscribe(channel);
                subscription = sub;
            }
            connection = client.connect(ByteArrayCodec.INSTANCE);
            clearNear.run();
            LOG.log(System.Logger.Level.INFO, "cache " + cache + ": shared tier connected");
            return true;
        } catch (RuntimeException e) {
            failed("connect", e);
            return false;
        }
    }

    /** @return the shared value of {@code key}; empty on a miss or when Redis cannot answer */
    Optional<byte[]> get(String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(c.sync().get(redisKey(key)));
        } catch (RuntimeException e) {
            failed("GET", e);
            return Optional.empty();
        }
    }

    /** Writes the shared value of {@code key}, expiring after {@code shared-ttl}. */
    void put(String key, byte[] value) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            return;
        }
        try {
            c.sync().set(redisKey(key), value, SetArgs.Builder.px(ttlMillis));
        } catch (RuntimeException e) {
            failed("SET", e);
        }
    }

    /** Deletes the shared value of {@code key}, then tells every process to drop it from its near tier. */
    void invalidate(String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            errors.increment();
            return;
        }
        try {
            c.sync().del(redisKey(key));
            c.sync().publish(channel.getBytes(StandardCharsets.UTF_8), (cache + " " + key).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            failed("invalidate", e);
        }
    }

    /** @return the milliseconds {@code key} has left in Redis, -2 when it is not there (for tests) */
    long remainingMillis(String key) {
        return connection.sync().pttl(redisKey(key));
    }

    /** @return the Redis commands that failed or timed out, and failed connection attempts */
    long errors() {
        return errors.sum();
    }

    private byte[] redisKey(String key) {
        return (keyPrefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private void failed(String what, RuntimeException e) {
        errors.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "cache " + cache + ": the shared tier (Redis) failed " + what + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); answering from this process without it, "
                    + errors.sum() + " errors so far (logged at most every 10 s)");
        }
    }

    @Override
    public void close() {
        closed = true;
        reconnector.shutdownNow();
        synchronized (this) {
            if (subscription != null) {
                subscription.closeAsync();
            }
            if (connection != null) {
                connection.closeAsync();
            }
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
