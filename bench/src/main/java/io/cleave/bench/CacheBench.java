package io.cleave.bench;

import io.cleave.App;
import io.cleave.Cleave;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of a near-cache hit (cleave-cache: Caffeine, no shared tier) against a
 * {@code ConcurrentHashMap} lookup of the same key, each behind one local call of
 * {@link CachedPrices} in the {@code single} deployer (a plain method call), in one run. The
 * difference is what {@code Cache.get} adds on a hit; goal: at most 100 ns for the hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheBench {

    private App app;
    private CachedPrices prices;
    private final String sku = "SKU-00042";

    /** Creates the benchmark state; JMH calls this. */
    public CacheBench() {
    }

    /** Starts the app and loads the key once, so every measured call is a hit. */
    @Setup
    public void setUp() {
        app = Cleave.app().configText("""
                [app]
                name = "cache-bench"
                [cache]
                near-ttl = "1h"
                """).start();
        prices = app.component(CachedPrices.class);
        prices.cached(sku);
        prices.mapped(sku);
        prices.caffeine(sku);
    }

    /** Stops the app. */
    @TearDown
    public void tearDown() {
        app.close();
    }

    /**
     * A hit of the near cache.
     *
     * @return the price
     */
    @Benchmark
    public long nearCacheHit() {
        return prices.cached(sku);
    }

    /**
     * A hit of a bare Caffeine cache configured like the near tier.
     *
     * @return the price
     */
    @Benchmark
    public long caffeineHit() {
        return prices.caffeine(sku);
    }

    /**
     * The baseline: a hit of a {@code ConcurrentHashMap}.
     *
     * @return the price
     */
    @Benchmark
    public long mapHit() {
        return prices.mapped(sku);
    }
}
