package io.cleave.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cleave.gateway.EdgeCache.Purge;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Purges shared by every gateway replica of an application: each publishes the purges it is
 * asked for on one Redis channel ({@code cleave:gateway:<application>:purge}) and applies those
 * the others publish. A purge published while a replica is disconnected never reaches it; its
 * copies then live out their TTL, which is why TTLs stay short. A Redis unreachable at start does
 * not stop the gateway: it connects in the background, trying every second.
 */
final class PurgeChannel implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisClient client;
    private final String channel;
    private final Consumer<Purge> apply;
    private final String self = UUID.randomUUID().toString();
    private final URI uri;
    private final ScheduledExecutorService connector;
    private StatefulRedisPubSubConnection<String, String> subscription;
    private volatile StatefulRedisConnection<String, String> publishing;
    private boolean closed;
    private boolean warned;

    private PurgeChannel(URI uri, String channel, Consumer<Purge> apply) {
        this.uri = uri;
        this.channel = channel;
        this.apply = apply;
        RedisURI redisUri = RedisURI.create(uri.toString());
        redisUri.setTimeout(Duration.ofSeconds(2));
        this.client = RedisClient.create(redisUri);
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("cleave-gateway-purge-connect").unstarted(r));
        if (!tryConnect()) {
            connector.scheduleWithFixedDelay(() -> {
                if (tryConnect()) {
                    throw new IllegalStateException("connected"); // ends the schedule; nothing sees this
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Connects and subscribes, unless done; false (logged once) when Redis cannot be reached. */
    private synchronized boolean tryConnect() {
        if (closed || publishing != null) {
            return true;
        }
        try {
            if (subscription == null) {
                StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String from, String message) {
                        if (channel.equals(from)) {
                            receive(message, apply);
                        }
                    }
                });
                sub.sync().subscribe(channel);
                subscription = sub;
            }
            publishing = client.connect();
            if (warned) {
                Proxy.LOG.log(System.Logger.Level.INFO, "gateway: Redis at " + uri + " reached; edge cache purges are"
                        + " shared with the other gateway replicas");
            }
            return true;
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: cannot reach Redis at " + uri + " ([gateway]"
                        + " redis-url) to share edge cache purges (" + e.getMessage() + "); trying every second, and"
                        + " until then purges reach this gateway alone");
            }
            return false;
        }
    }

    /**
     * Subscribes to the channel, now or, when Redis cannot be reached, once it can; {@code apply}
     * gets every purge another replica (or a cache of the app: cleave-cache's
     * {@code [cache.edge-purge]}) publishes.
     */
    static PurgeChannel connect(URI uri, String channel, Consumer<Purge> apply) {
        return new PurgeChannel(uri, channel, apply);
    }

    /** Tells the other replicas; false (logged) when Redis did not take it. */
    boolean publish(Purge purge) {
        ObjectNode message = JSON.createObjectNode();
        message.put("from", self);
        message.put(purge.prefix() ? "prefix" : "path", purge.path());
        StatefulRedisConnection<String, String> c = publishing;
        try {
            if (c == null) {
                throw new IllegalStateException("not connected yet");
            }
            c.sync().publish(channel, message.toString());
            return true;
        } catch (RuntimeException e) {
            Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: a purge of " + purge.path() + " did not reach Redis at "
                    + uri + " (" + e + "); other gateway replicas keep their copies until they expire");
            return false;
        }
    }

    private void receive(String message, Consumer<Purge> apply) {
        try {
            JsonNode m = JSON.readTree(message);
            if (self.equals(m.path("from").asText())) {
                return; // applied when it was asked for
            }
            boolean prefix = m.has("prefix");
            apply.accept(new Purge(prefix, m.path(prefix ? "prefix" : "path").asText()));
        } catch (Exception e) {
            Proxy.LOG.log(System.Logger.Level.WARNING, "gateway: an unreadable purge on " + channel + " ignored: "
                    + message + " (" + e + ")");
        }
    }

    @Override
    public void close() {
        connector.shutdownNow();
        synchronized (this) {
            closed = true;
            if (subscription != null) {
                subscription.close();
            }
            if (publishing != null) {
                publishing.close();
            }
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
