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
import java.util.function.Consumer;

/**
 * Purges shared by every gateway replica of an application: each publishes the purges it is
 * asked for on one Redis channel ({@code cleave:gateway:<application>:purge}) and applies those
 * the others publish. A purge published while a replica is disconnected never reaches it; its
 * copies then live out their TTL, which is why TTLs stay short.
 */
final class PurgeChannel implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final StatefulRedisConnection<String, String> publishing;
    private final String channel;
    private final String self = UUID.randomUUID().toString();
    private final URI uri;

    private PurgeChannel(URI uri, String channel, Consumer<Purge> apply) {
        this.uri = uri;
        this.channel = channel;
        RedisURI redisUri = RedisURI.create(uri.toString());
        redisUri.setTimeout(Duration.ofSeconds(2));
        this.client = RedisClient.create(redisUri);
        try {
            this.subscription = client.connectPubSub();
            this.publishing = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            throw new IllegalStateException("gateway: cannot reach Redis at " + uri + " ([gateway] redis-url) to share"
                    + " edge cache purges: " + e.getMessage(), e);
        }
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                if (channel.equals(from)) {
                    receive(message, apply);
                }
            }
        });
        subscription.sync().subscribe(channel);
    }

    /**
     * Subscribes to the channel; {@code apply} gets every purge another replica publishes.
     *
     * @throws IllegalStateException when Redis cannot be reached
     */
    static PurgeChannel connect(URI uri, String channel, Consumer<Purge> apply) {
        return new PurgeChannel(uri, channel, apply);
    }

    /** Tells the other replicas; false (logged) when Redis did not take it. */
    boolean publish(Purge purge) {
        ObjectNode message = JSON.createObjectNode();
        message.put("from", self);
        message.put(purge.prefix() ? "prefix" : "path", purge.path());
        try {
            publishing.sync().publish(channel, message.toString());
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
        subscription.close();
        publishing.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
