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
 * One call of {@link PriceList#priceCents}: on an instance the benchmark constructed itself
 * (the baseline), on the component the {@code single} deployer hands out (resolved once with
 * {@link App#component}), and with serialize-calls, where every call's arguments and result are
 * encoded and decoded in process. Every benchmark calls through the interface type, and both apps
 * run during every benchmark, so the JIT sees the same classes in all three.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallBench {

    private static final String CONFIG = """
            [app]
            name = "call-bench"
            """;

    private App single;
    private App serializing;
    private PriceList direct;
    private PriceList viaSingle;
    private PriceList viaSerializeCalls;
    private long productId = 100_037L;

    /** Creates the benchmark state; JMH calls this. */
    public CallBench() {
    }

    /** Starts the two apps and resolves the component in each, once. */
    @Setup
    public void setUp() {
        direct = new FixedPriceList();
        single = Cleave.app().configText(CONFIG).start();
        serializing = Cleave.app().configText(CONFIG).serializeCalls(true).start();
        viaSingle = single.component(PriceList.class);
        viaSerializeCalls = serializing.component(PriceList.class);
        long expected = direct.priceCents(productId);
        if (viaSingle.priceCents(productId) != expected || viaSerializeCalls.priceCents(productId) != expected) {
            throw new IllegalStateException("a deployer changed the result");
        }
        System.out.printf("%nsingle hands out %s; serialize-calls hands out %s%n",
                viaSingle.getClass().getSimpleName(), viaSerializeCalls.getClass().getSimpleName());
    }

    /** Stops both apps. */
    @TearDown
    public void tearDown() {
        single.close();
        serializing.close();
    }

    /**
     * Baseline: a plain interface call on an instance the caller constructed.
     *
     * @return the price
     */
    @Benchmark
    public long direct() {
        return direct.priceCents(productId);
    }

    /**
     * The component from the {@code single} deployer.
     *
     * @return the price
     */
    @Benchmark
    public long cleaveSingle() {
        return viaSingle.priceCents(productId);
    }

    /**
     * The component from the {@code single} deployer with serialize-calls on.
     *
     * @return the price
     */
    @Benchmark
    public long cleaveSerializeCalls() {
        return viaSerializeCalls.priceCents(productId);
    }
}
