package io.cleave.bench;

import io.cleave.observe.ObserveDecorator;
import io.cleave.runtime.spi.CallDecorator;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Invoker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * What cleave-observe (metrics of every call, and tracing) adds to one local call of
 * {@link PriceList#priceCents}, against the same call with {@code [observe] enabled = false} (the
 * caller holds the instance itself), in one run: with tracing on but the call not sampled
 * ({@code trace-sample-ratio = 0}), and with every call traced ({@code trace-sample-ratio = 1}).
 * The references are made the way the runtime makes them for a plain local call: the component's
 * generated observed reference told by the decoration's observer (a traced call goes on to the
 * observing invoker); and, to compare in the same run, the generated stub over the observing invoker,
 * the way a local call was metered before. cleave-observe's service file is left out of this jar so
 * the other benchmarks' apps run without it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObserveBench {

    private CallDecorator.Decoration untracedDecoration;
    private CallDecorator.Decoration tracedDecoration;
    private PriceList bare;
    private PriceList stubOnly;
    private PriceList observed;
    private PriceList observedThroughInvoker;
    private PriceList traced;
    private final long productId = 100_037L;

    /** Creates the benchmark state; JMH calls this. */
    public ObserveBench() {
    }

    /** Makes the decorations and resolves every variant once. */
    @Setup
    public void setUp() {
        ComponentDescriptor<PriceList> descriptor = PriceList_Cleave.DESCRIPTOR;
        PriceList instance = new FixedPriceList();
        Invoker plain = (method, args) -> descriptor.dispatcher().dispatch(instance, method.index(), args);
        untracedDecoration = new ObserveDecorator().create(new Settings(descriptor, Map.of("trace-sample-ratio", 0.0)));
        tracedDecoration = new ObserveDecorator().create(new Settings(descriptor, Map.of("trace-sample-ratio", 1.0,
                "recent-spans", 1_000L)));
        bare = instance;
        stubOnly = descriptor.stub().apply(plain);
        // as the runtime wires a local caller: the generated observed reference, told by the decoration's observer
        observed = descriptor.observed().create(instance, untracedDecoration.observer(descriptor).orElseThrow(),
                untracedDecoration.decorate(descriptor, plain, false));
        traced = descriptor.observed().create(instance, tracedDecoration.observer(descriptor).orElseThrow(),
                tracedDecoration.decorate(descriptor, plain, false));
        // the generated stub over the observing invoker: how a local call was metered before the observed reference
        observedThroughInvoker = descriptor.stub().apply(untracedDecoration.decorate(descriptor, plain, false));
        long expected = instance.priceCents(productId);
        for (PriceList p : List.of(bare, stubOnly, observed, observedThroughInvoker, traced)) {
            if (p.priceCents(productId) != expected) {
                throw new IllegalStateException("a variant changed the result");
            }
        }
    }

    /** Stops the admin endpoints. */
    @TearDown
    public void tearDown() {
        untracedDecoration.close();
        tracedDecoration.close();
    }

    /** @return a plain method call on the instance: {@code [observe] enabled = false} */
    @Benchmark
    public long localOff() {
        return bare.priceCents(productId);
    }

    /** @return the call through the generated stub and dispatcher alone, for the breakdown */
    @Benchmark
    public long localStubOnly() {
        return stubOnly.priceCents(productId);
    }

    /** @return the call metered, tracing on, this call not sampled */
    @Benchmark
    public long localObservedNotSampled() {
        return observed.priceCents(productId);
    }

    /** @return the call metered, not sampled, through the stub and the observing invoker (the way before) */
    @Benchmark
    public long localObservedThroughInvoker() {
        return observedThroughInvoker.priceCents(productId);
    }

    /** @return the call metered and traced (a span each) */
    @Benchmark
    public long localObservedTraced() {
        return traced.priceCents(productId);
    }

    /** An application of one component whose {@code [observe]} holds the given keys. */
    private record Settings(ComponentDescriptor<?> component, Map<String, Object> observe) implements CallDecorator.Context {

        @Override
        public String application() {
            return "observe-bench";
        }

        @Override
        public java.nio.file.Path dataDirectory() {
            return java.nio.file.Path.of("data"); // nothing is stored: the name tells it from other applications
        }

        @Override
        public List<ComponentDescriptor<?>> components() {
            return List.of(component);
        }

        @Override
        public ConfigSection section(String path) {
            Map<String, Object> keys = path.equals("observe") ? observe : Map.of();
            return new ConfigSection() {
                @Override
                public String path() {
                    return path;
                }

                @Override
                public boolean has(String key) {
                    return keys.containsKey(key);
                }

                @Override
                public String string(String key) {
                    return (String) keys.get(key);
                }

                @Override
                public int int32(String key) {
                    return ((Long) keys.get(key)).intValue();
                }

                @Override
                public long int64(String key) {
                    return (Long) keys.get(key);
                }

                @Override
                public double float64(String key) {
                    return (Double) keys.get(key);
                }

                @Override
                public boolean bool(String key) {
                    return (Boolean) keys.get(key);
                }

                @Override
                public Duration duration(String key) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public List<String> strings(String key) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public void rejectUnknown(Set<String> known) {
                    if (!known.containsAll(keys.keySet())) {
                        throw new ConfigError("unknown keys in " + keys.keySet());
                    }
                }
            };
        }
    }
}
