package io.cleave.shop;

import io.cleave.test.TestSettings;
import java.util.Map;

/**
 * The shop under test: the services configuration ({@link #CONFIG}, whose groups and replicas
 * the {@code multi} topology uses; the other topologies run it in one process) on a free port,
 * with fast password hashing and no simulated payment latency. Each class and topology gets a
 * fresh data directory from cleave-test, so the embedded databases start empty.
 */
public class ShopSettings implements TestSettings {

    /** The configuration every shop test starts from: the one {@code ./shop --services} runs. */
    static final String CONFIG = "cleave-services.toml";

    /** Overrides of {@link #CONFIG} for tests. */
    static final Map<String, String> FAST = Map.of(
            "listeners.web", "127.0.0.1:0",
            "Users.password-iterations", "1000",
            "Payments.latency", "0ms");

    /**
     * For test classes to whom replicas do not matter: one process per group, four JVMs fewer to
     * start than {@link #CONFIG}'s {@code [multi.replicas]} ask for.
     */
    static final Map<String, String> ONE_REPLICA_EACH = Map.of("multi.replicas.Storefront", "1", "multi.replicas.Catalog", "1",
            "multi.replicas.Recommendations", "1", "multi.replicas.Cart", "1");

    /** Creates it; cleave-test does, once per class and topology. */
    public ShopSettings() {
    }

    /**
     * {@link #FAST}, and the local Redis as the caches' shared tier under a key prefix of this
     * run's own, so every replica drops a changed entry at once.
     */
    @Override
    public Map<String, String> settings(Context context) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(FAST);
        settings.put("cache.redis-url", "redis://127.0.0.1:6379");
        settings.put("cache.key-prefix", "cleave-test:shop:" + java.util.UUID.randomUUID() + ":");
        return settings;
    }

    /** {@link ShopSettings} with {@link #ONE_REPLICA_EACH}. */
    public static class OneReplicaEach extends ShopSettings {

        /** Creates it; cleave-test does. */
        public OneReplicaEach() {
        }

        @Override
        public Map<String, String> settings(Context context) throws Exception {
            Map<String, String> settings = new java.util.HashMap<>(super.settings(context));
            settings.putAll(ONE_REPLICA_EACH);
            return settings;
        }
    }
}
