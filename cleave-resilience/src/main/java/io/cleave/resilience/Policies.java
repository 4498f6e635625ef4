package io.cleave.resilience;

import io.cleave.runtime.spi.CallDecorator;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import io.cleave.spi.Invoker;
import io.cleave.spi.MethodDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The policies of one application in one process, read from {@code [resilience]}: every edge
 * from this process to a component gets one, built when the runtime wraps the calls to it.
 * Encoded calls (to another process, or with serialize-calls) always get a policy, the
 * defaults of {@link Policy#DEFAULTS} unless configured; a plain call in this process gets one
 * only when {@code [resilience]} configures its component or the component declares fallbacks,
 * so it otherwise stays a method call on the instance itself.
 */
final class Policies implements CallDecorator.Decoration {

    private final Map<String, Policy> edges;
    private final Map<String, Policy[]> methods;
    private final Set<String> configured;
    private final Map<String, Edge> live = new ConcurrentHashMap<>();

    private Policies(Map<String, Policy> edges, Map<String, Policy[]> methods, Set<String> configured) {
        this.edges = edges;
        this.methods = methods;
        this.configured = configured;
    }

    /**
     * Reads and checks {@code [resilience]} and its tables.
     *
     * @throws ConfigError naming file, line and key, or the unknown component or method
     */
    static Policies read(CallDecorator.Context context) {
        ConfigSection root = context.section("resilience");
        root.rejectUnknown(Policy.EDGE_KEYS);
        Map<String, ComponentDescriptor<?>> components = new LinkedHashMap<>();
        context.components().forEach(c -> components.put(c.name(), c));
        root.rejectUnknownSubsections(components.keySet(), "a component");
        Map<String, String> canonical = new LinkedHashMap<>();
        components.keySet().forEach(n -> canonical.put(n.toUpperCase(Locale.ROOT), n));
        Set<String> named = root.subsections().stream()
                .map(s -> canonical.getOrDefault(s.toUpperCase(Locale.ROOT), s)).collect(Collectors.toSet());
        boolean everywhere = Policy.EDGE_KEYS.stream().anyMatch(root::has);
        Policy base = Policy.DEFAULTS.with(root);

        Map<String, Policy> edges = new LinkedHashMap<>();
        Map<String, Policy[]> methods = new LinkedHashMap<>();
        Set<String> configured = new java.util.HashSet<>();
        for (ComponentDescriptor<?> c : components.values()) {
            ConfigSection own = context.section("resilience." + c.name());
            own.rejectUnknown(Policy.EDGE_KEYS);
            Map<String, String> methodNames = new TreeMap<>();
            c.methods().forEach(m -> methodNames.put(m.name().toUpperCase(Locale.ROOT), m.name()));
            own.rejectUnknownSubsections(Set.copyOf(methodNames.values()), "a method of " + c.name());
            Policy edge = base.with(own);
            edges.put(c.name(), edge);
            Policy[] perMethod = new Policy[c.methods().size()];
            boolean anyMethod = false;
            for (MethodDescriptor m : c.methods()) {
                ConfigSection ms = context.section("resilience." + c.name() + "." + m.name());
                for (String key : Policy.EDGE_KEYS) {
                    if (!Policy.METHOD_KEYS.contains(key) && ms.has(key)) {
                        throw new ConfigError("[" + ms.path() + "] " + key + ": set it in [resilience." + c.name() + "]: breakers,"
                                + " bulkheads and retry budgets guard the calls to a whole component; a method may set only "
                                + String.join(" and ", Policy.METHOD_KEYS.stream().sorted().toList()));
                    }
                }
                ms.rejectUnknown(Policy.METHOD_KEYS);
                perMethod[m.index()] = edge.with(ms);
                anyMethod |= Policy.METHOD_KEYS.stream().anyMatch(ms::has);
            }
            methods.put(c.name(), perMethod);
            if (everywhere || named.contains(c.name()) || anyMethod) {
                configured.add(c.name());
            }
        }
        return new Policies(edges, methods, configured);
    }

    @Override
    public Invoker decorate(ComponentDescriptor<?> callee, Invoker next, boolean encoded) {
        boolean fallbacks = callee.methods().stream().anyMatch(m -> m.fallback().isPresent());
        boolean configuredHere = configured.contains(callee.name());
        if (!encoded && !configuredHere && !fallbacks) {
            return next;
        }
        Policy edgePolicy = edges.get(callee.name());
        Policy[] perMethod = methods.get(callee.name());
        if (!encoded && !configuredHere) {
            // a plain local call with fallbacks only: no breaker, no retries, no timeout
            edgePolicy = new Policy(Optional.empty(), 0, 0, edgePolicy.retryBackoff(), edgePolicy.maxRetryBackoff(), false,
                    edgePolicy.breakerFailureRate(), Optional.empty(), edgePolicy.breakerSlowCallRate(),
                    edgePolicy.breakerWindow(), edgePolicy.breakerMinimumCalls(), edgePolicy.breakerOpenFor(),
                    edgePolicy.breakerHalfOpenCalls(), 0);
            Policy bare = edgePolicy;
            perMethod = java.util.Arrays.stream(perMethod).map(p -> bare).toArray(Policy[]::new);
        }
        Edge edge = new Edge(callee.name(), edgePolicy, encoded);
        live.put(callee.name(), edge);
        boolean timeouts = java.util.Arrays.stream(perMethod).anyMatch(p -> p.timeout().isPresent());
        Invoker inner = !encoded && timeouts ? new PlainDeadline(next) : next;
        return new PolicyInvoker(edge, inner, perMethod);
    }

    @Override
    public Set<String> called() {
        Set<String> called = new java.util.HashSet<>();
        live.forEach((callee, edge) -> {
            if (edge.calls.sum() > 0) {
                called.add(callee);
            }
        });
        return called;
    }

    @Override
    public Map<String, String> state() {
        Map<String, String> states = new TreeMap<>();
        live.forEach((callee, edge) -> states.put(callee, edge.describe()));
        return states;
    }

    /** The edges built so far, by callee; for tests. */
    Map<String, Edge> edges() {
        return Map.copyOf(live);
    }

    List<String> configuredComponents() {
        return configured.stream().sorted().toList();
    }
}
