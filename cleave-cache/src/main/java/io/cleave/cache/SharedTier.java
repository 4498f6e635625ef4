package io.cleave.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One cache's shared tier in Redis: values under {@code <key-prefix><cache>:<key>}, and the
 * invalidations of every process on channel {@code <key-prefix>invalidations}, each message
 * {@code <cache> <key>}.
 *
 * <p>A value loaded from the database is written back only if the key was not invalidated since
 * this process looked for it: an invalidation writes a fresh random generation under
 * {@code <key-prefix><cache>!<key>}, a read returns the generation it saw with the value, and the
 * write is a script that sets the value only while that generation is unchanged. Without it a
 * replica that read the database just before another replica's change committed could write the
 * old value after that change's invalidation, and every replica would read it for
 * {@code shared-ttl}.
 *
 * <p>Never throws: a command that fails or takes longer than
 * {@code redis-timeout} counts as an error (logged at most every 10 s) and the cache answers
 * without it. After such an error, reads and writes skip Redis for {@code reconnect-interval}
 * but one that asks again, so a Redis that hangs (stopped, not closed: every command waits for
 * its timeout) costs one miss per interval that timeout, not every miss; invalidations are always
 * sent, since skipping one would leave other processes' old values. A Redis unreachable at start
 * is retried every {@code reconnect-interval}; once connected, the client reconnects by itself,
 * and every (re)connection clears the near tier, since invalidations sent while this process was
 * disconnected never reached it.
 */
final class SharedTier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedTier.class.getName());
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final byte[] NO_GENERATION = new byte[0];

    /** KEYS value, generation; ARGV value, the generation read ("" for none), ttl millis. */
    private static final String PUT_IF_UNCHANGED = """
            if (redis.call('GET', KEYS[2]) or '') == ARGV[2] then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
              return 1
            end
            return 0""";
    /**
     * KEYS value, generation; ARGV new generation, its ttl millis, channel, message, and optionally
     * the gateway's purge channel and purge (in the same script: no purge without the invalidation).
     */
    private static final String INVALIDATE = """
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
            redis.call('DEL', KEYS[1])
            if ARGV[5] then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
            return redis.call('PUBLISH', ARGV[3], ARGV[4])""";
    /**
     * How long after an invalidation the gateway is told again to drop the key's pages: a page
     * rebuilt by a replica whose near tier had not yet dropped the key (the two messages race) may
     * have been kept in between; by then every connected process has.
     */
    static final long EDGE_PURGE_REPEAT_MILLIS = 1_000;
    /**
     * How long a generation is kept: longer than any load runs, so a load that began before an
     * invalidation never finds the key without one.
     */
    private static final long MIN_GENERATION_TTL_MILLIS = TimeUnit.MINUTES.toMillis(10);

    /** What {@link #get} found: the value, if any, and the generation to {@link #put} a loaded one with. */
    record Read(Optional<byte[]> value, Optional<byte[]> generation) {
        /** Redis did not answer: nothing found, and nothing loaded now may be written. */
        static final Read UNKNOWN = new Read(Optional.empty(), Optional.empty());
    }

    private final String cache;
    private final String keyPrefix;
    private final String generationPrefix;
    private final String channel;
    private final CacheSettings settings;
    private final long ttlMillis;
    private final long generationTtlMillis;
    private final Consumer<String> dropNear;
    private final Runnable clearNear;
    private final ClientResources resources;
    private final RedisClient client;
    /** Retries a Redis unreachable at start; repeats edge purges. */
    private final ScheduledExecutorService scheduler;
    private final LongAdder errors = new LongAdder();
    private final LongAdder asked = new LongAdder();
    private final LongSupplier nanoTime;
    private final long retryNanos;
    /** While {@link #failing}: when a read or write may ask Redis again. */
    private final AtomicLong nextAttempt = new AtomicLong();
    private volatile boolean failing;
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
     * @param nanoTime what the pause after an error is measured with ({@link System#nanoTime} but in tests)
     */
    SharedTier(String cache, URI url, CacheSettings settings, Consumer<String> dropNear, Runnable clearNear,
            LongSupplier nanoTime) {
        this.cache = cache;
        this.nanoTime = nanoTime;
        this.retryNanos = settings.reconnectInterval().toNanos();
        this.keyPrefix = settings.keyPrefix() + cache + ":";
        this.generationPrefix = settings.keyPrefix() + cache + "!";
        this.channel = settings.keyPrefix() + "invalidations";
        this.settings = settings;
        this.ttlMillis = settings.sharedTtl().toMillis();
        this.generationTtlMillis = Math.max(ttlMillis, MIN_GENERATION_TTL_MILLIS);
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
                failing = false; // asked at once again: this connection was just made
                clearNear.run();
            }
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cleave-cache-" + cache);
            t.setDaemon(true);
            return t;
        });
        if (!connect()) {
            long every = settings.reconnectInterval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> {
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
            failing = false;
            clearNear.run();
            LOG.log(System.Logger.Level.INFO, "cache " + cache + ": shared tier connected");
            return true;
        } catch (RuntimeException e) {
            failed("connect", e);
            return false;
        }
    }

    /**
     * @return the shared value of {@code key} (empty on a miss) and its generation;
     *     {@link Read#UNKNOWN} when Redis cannot answer
     */
    Read get(String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null || pausing()) {
            return Read.UNKNOWN;
        }
        try {
            List<KeyValue<byte[], byte[]>> both = c.sync().mget(redisKey(key), generationKey(key));
            answered();
            return new Read(Optional.ofNullable(both.get(0).getValueOrElse(null)),
                    Optional.of(both.get(1).getValueOrElse(NO_GENERATION)));
        } catch (RuntimeException e) {
            failed("GET", e);
            return Read.UNKNOWN;
        }
    }

    /**
     * Writes the shared value of {@code key}, expiring after {@code shared-ttl}, unless the key was
     * invalidated since {@code read} (then the value may be older than the change, and is dropped).
     *
     * @param read what {@link #get} found before the value was loaded
     */
    void put(String key, byte[] value, Read read) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null || read.generation().isEmpty() || pausing()) {
            return;
        }
        try {
            c.sync().eval(PUT_IF_UNCHANGED, ScriptOutputType.INTEGER, new byte[][] {redisKey(key), generationKey(key)},
                    value, read.generation().get(), ascii(ttlMillis));
            answered();
        } catch (RuntimeException e) {
            failed("SET", e);
        }
    }

    /**
     * Deletes the shared value of {@code key} and starts a new generation of it (so no load that
     * began before writes its value back), then tells every process to drop it from its near tier
     * and, where {@code [cache.edge-purge]} names this cache, every gateway to drop the pages built
     * from it (in the same script, and again {@link #EDGE_PURGE_REPEAT_MILLIS} later).
     */
    void invalidate(String key) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            errors.increment();
            return;
        }
        Optional<byte[]> purge = settings.edgePurge(cache, key).map(this::purgeMessage);
        List<byte[]> args = new ArrayList<>(List.of(ascii(UUID.randomUUID().toString()),
                ascii(generationTtlMillis), utf8(channel), utf8(cache + " " + key)));
        purge.ifPresent(p -> args.addAll(List.of(utf8(settings.edgeChannel()), p)));
        try {
            asked.increment();
            c.sync().eval(INVALIDATE, ScriptOutputType.INTEGER, new byte[][] {redisKey(key), generationKey(key)},
                    args.toArray(new byte[0][]));
            answered();
        } catch (RuntimeException e) {
            failed("invalidate", e);
            return;
        }
        purge.ifPresent(p -> scheduler.schedule(() -> publishPurge(p), EDGE_PURGE_REPEAT_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** What cleave-gateway's purge channel carries: who sent it (never a gateway's id) and the prefix. */
    private byte[] purgeMessage(String prefix) {
        // the prefix is visible ASCII without quotes or backslashes (CacheSettings checks the template,
        // the key is percent-encoded), so it needs no escaping here
        return utf8("{\"from\":\"cache " + cache + "\",\"prefix\":\"" + prefix + "\"}");
    }

    private void publishPurge(byte[] message) {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c == null) {
            errors.increment();
            return;
        }
        try {
            c.sync().publish(utf8(settings.edgeChannel()), message);
        } catch (RuntimeException e) {
            failed("PUBLISH to the gateway", e);
        }
    }

    /** @return the milliseconds {@code key} has left in Redis, -2 when it is not there (for tests) */
    long remainingMillis(String key) {
        return connection.sync().pttl(redisKey(key));
    }

    /**
     * Whether a read or write skips Redis now: it failed less than {@code reconnect-interval} ago
     * and another caller already asked it again this interval. Counts the ask otherwise.
     */
    private boolean pausing() {
        if (failing) {
            long now = nanoTime.getAsLong();
            long next = nextAttempt.get();
            if (now - next < 0 || !nextAttempt.compareAndSet(next, now + retryNanos)) {
                return true;
            }
        }
        asked.increment();
        return false;
    }

    private void answered() {
        if (failing) {
            failing = false;
            LOG.log(System.Logger.Level.INFO, "cache " + cache + ": the shared tier (Redis) answers again");
        }
    }

    /** @return how often Redis was asked to read, write or invalidate (for tests) */
    long asked() {
        return asked.sum();
    }

    /** @return the Redis commands that failed or timed out, and failed connection attempts */
    long errors() {
        return errors.sum();
    }

    private byte[] redisKey(String key) {
        return (keyPrefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] generationKey(String key) {
        return (generationPrefix + key).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(Object value) {
        return value.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void failed(String what, RuntimeException e) {
        errors.increment();
        nextAttempt.set(nanoTime.getAsLong() + retryNanos);
        failing = true;
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
        scheduler.shutdownNow();
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
