package io.cleave.bench;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.resilience.ResilienceDecorator;
import io.cleave.runtime.spi.CallDecorator;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Invoker;
import io.cleave.transport.RoutingTable;
import io.cleave.transport.RpcClient;
import io.cleave.transport.RpcServer;
import java.time.Duration;
import java.util.List;
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
 * What a policy chain (cleave-resilience: breaker, bulkhead, retries, and a timeout) adds to one
 * call of {@link PriceList#priceCents}, against the same call without it, in one run: in process
 * (the {@code single} deployer; without a policy the caller holds the instance itself), and across
 * the Cleave transport to a server in the same JVM over loopback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyBench {

    private static final String APP = """
            [app]
            name = "policy-bench"
            """;
    private static final String CHAIN = """
            [resilience.PriceList]
            retries = 2
            breaker = true
            bulkhead = 1000
            """;

    private App bare;
    private App chained;
    private App chainedWithTimeout;
    private RpcServer server;
    private RpcClient client;
    private PriceList local;
    private PriceList localChain;
    private PriceList localChainWithTimeout;
    private PriceList remote;
    private PriceList remoteChain;
    private final long productId = 100_037L;

    /** Creates the benchmark state; JMH calls this. */
    public PolicyBench() {
    }

    /** Starts the apps, a server and a client, and resolves every variant once. */
    @Setup
    public void setUp() throws Exception {
        bare = Cleave.app().configText(APP).start();
        chained = Cleave.app().configText(APP + CHAIN).start();
        chainedWithTimeout = Cleave.app().configText(APP + CHAIN + "timeout = \"10s\"\n").start();
        local = bare.component(PriceList.class);
        localChain = chained.component(PriceList.class);
        localChainWithTimeout = chainedWithTimeout.component(PriceList.class);

        ComponentDescriptor<PriceList> descriptor = PriceList_Cleave.DESCRIPTOR;
        server = RpcServer.builder().host(descriptor, new FixedPriceList()).port(0).start();
        client = RpcClient.builder().build();
        Invoker wire = client.invoker(descriptor.name(), RoutingTable.of(server.replica()));
        remote = descriptor.stub().apply(wire);
        CallDecorator.Decoration policies = new ResilienceDecorator().create(new Defaults(descriptor));
        remoteChain = descriptor.stub().apply(policies.decorate(descriptor, wire, true));

        long expected = new FixedPriceList().priceCents(productId);
        for (PriceList p : List.of(local, localChain, localChainWithTimeout, remote, remoteChain)) {
            if (p.priceCents(productId) != expected) {
                throw new IllegalStateException("a variant changed the result");
            }
        }
        System.out.printf("%nbare: %s; with policies: %s%n", local.getClass().getSimpleName(),
                localChain.getClass().getSimpleName());
    }

    /** Stops everything. */
    @TearDown
    public void tearDown() {
        bare.close();
        chained.close();
        chainedWithTimeout.close();
        client.close();
        server.close();
    }

    /** @return a plain method call on the instance: the single deployer without any policy */
    @Benchmark
    public long localBare() {
        return local.priceCents(productId);
    }

    /** @return the same call through breaker, bulkhead and retries */
    @Benchmark
    public long localPolicies() {
        return localChain.priceCents(productId);
    }

    /** @return the same with a timeout too: the call runs on a virtual thread of its own */
    @Benchmark
    public long localPoliciesAndTimeout() {
        return localChainWithTimeout.priceCents(productId);
    }

    /** @return a call over the transport on loopback, without policies */
    @Benchmark
    public long remoteBare() {
        return remote.priceCents(productId);
    }

    /** @return the same through the default policies of a remote edge (breaker, retries within a budget) */
    @Benchmark
    public long remotePolicies() {
        return remoteChain.priceCents(productId);
    }

    /** An application with no {@code [resilience]}: the defaults of every remote edge. */
    private record Defaults(ComponentDescriptor<?> component) implements CallDecorator.Context {

        @Override
        public String application() {
            return "policy-bench";
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
            return new ConfigSection() {
                @Override
                public String path() {
                    return path;
                }

                @Override
                public boolean has(String key) {
                    return false;
                }

                @Override
                public String string(String key) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public int int32(String key) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public long int64(String key) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public double float64(String key) {
                    throw new ConfigError("no " + key);
                }

                @Override
                public boolean bool(String key) {
                    throw new ConfigError("no " + key);
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
                }
            };
        }
    }
}
