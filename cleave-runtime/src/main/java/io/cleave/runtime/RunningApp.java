package io.cleave.runtime;

import io.cleave.App;
import io.cleave.Lifecycle;
import io.cleave.StartupException;
import io.cleave.runtime.spi.CallDecorator;
import io.cleave.runtime.spi.Deployment;
import io.cleave.spi.CallObserver;
import io.cleave.spi.Codec;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.Invoker;
import io.cleave.spi.ServiceProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * An application being started or running: constructs the hosted components in dependency
 * order, starts them in the same order, and stops them in reverse.
 */
final class RunningApp implements App {

    private static final System.Logger LOG = System.getLogger("cleave");

    private final Settings settings;
    private final ComponentGraph graph;
    private final Map<String, Record> configs;
    private final ConfigDocument document;
    private final LaunchContext context;
    private final Deployment deployment;
    private final Prepared prepared;
    private final List<CallDecorator.Decoration> decorations;

    private final Map<Class<?>, Object> references = new ConcurrentHashMap<>();
    /** The components that the components of this process ask for in their constructors: the calls {@link #calls} lists. */
    private final Set<String> askedFor = ConcurrentHashMap.newKeySet();
    /** Per component: its services by type, or by type and parameter for a generic one (see {@link #service}). */
    private final Map<String, Map<Object, Object>> services = new LinkedHashMap<>();
    private final List<Hosted> hosted = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** What services report of their own calls ({@link ServiceProvider.Request#report}). */
    private final List<java.util.function.Supplier<Map<String, String>>> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What services announced this process serves ({@link ServiceProvider.Request#endpoint}), in order. */
    private final Map<String, String> announced = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean constructed;
    /** Services' lifecycles attached to a component ({@link ServiceProvider.Request#attach}), by component. */
    private final Map<String, List<Lifecycle>> attached = new LinkedHashMap<>();
    /** What starts, in order: each component, then what its services attached. */
    private final List<Unit> units = new ArrayList<>();
    private int started;

    private final Object closeLock = new Object();
    private boolean closed;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** A hosted component's instance. */
    private record Hosted(ComponentDescriptor<?> component, Object instance) {
    }

    /** Something started and stopped with a component: the component itself, or a service of it. */
    private record Unit(String component, Lifecycle lifecycle, boolean service) {
    }

    private RunningApp(Settings settings, ComponentGraph graph, Map<String, Record> configs, ConfigDocument document,
            LaunchContext context, Deployment deployment, Prepared prepared, List<CallDecorator.Decoration> decorations) {
        this.settings = settings;
        this.graph = graph;
        this.configs = configs;
        this.document = document;
        this.context = context;
        this.deployment = deployment;
        this.prepared = prepared;
        this.decorations = List.copyOf(decorations);
    }

    /**
     * Constructs and starts the components this process hosts.
     *
     * @throws StartupException if any cannot be constructed or started; what started is stopped
     */
    static RunningApp start(Settings settings, ComponentGraph graph, Map<String, Record> configs, ConfigDocument document,
            LaunchContext context, Deployment deployment, Prepared prepared, List<CallDecorator.Decoration> decorations) {
        RunningApp app = new RunningApp(settings, graph, configs, document, context, deployment, prepared, decorations);
        try {
            app.construct();
            deployment.observe(app::calls);
            deployment.endpoints(app.endpoints());
            deployment.overview().ifPresent(o -> app.decorations.forEach(d -> d.overview(o)));
            app.startAll();
        } catch (StartupException e) {
            app.shutdown();
            throw e;
        } catch (RuntimeException | Error e) {
            app.shutdown();
            throw e;
        }
        return app;
    }

    boolean constructed() {
        return constructed;
    }

    private void construct() {
        for (ComponentDescriptor<?> c : graph.ordered()) {
            if (!deployment.hosts(c)) {
                references.put(c.type(), stub(c, decorated(c, deployment.remote(c), true, new ArrayList<>())));
            }
        }
        for (ComponentDescriptor<?> c : graph.ordered()) {
            if (deployment.hosts(c)) {
                construct(c);
            }
        }
        constructed = true;
    }

    private static <T> T stub(ComponentDescriptor<T> c, Invoker invoker) {
        return c.stub().apply(invoker);
    }

    private <T> void construct(ComponentDescriptor<T> c) {
        Object[] arguments = new Object[c.dependencies().size()];
        for (int i = 0; i < arguments.length; i++) {
            Dependency d = c.dependencies().get(i);
            arguments[i] = argument(c, d);
            Optional<ComponentDescriptor<?>> callee = switch (d) {
                case Dependency.OnComponent on -> graph.byType(on.type());
                case Dependency.OnRef on -> graph.byType(on.type());
                default -> Optional.empty();
            };
            callee.ifPresent(x -> askedFor.add(x.name()));
        }
        T instance;
        try {
            instance = c.factory().create(arguments);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StartupException("component " + c.name() + " failed to start: constructor failed: "
                    + describe(e), e);
        }
        hosted.add(new Hosted(c, instance));
        Optional<Invoker> through = deployment.local(c, instance);
        Invoker plain = (method, args) -> c.dispatcher().dispatch(instance, method.index(), args);
        List<CallDecorator.Decoration> wrapping = new ArrayList<>();
        Invoker outer = decorated(c, through.orElse(plain), through.isPresent(), wrapping);
        Optional<CallObserver> observer = through.isEmpty() && wrapping.size() == 1 && c.observed() != null
                ? wrapping.get(0).observer(c) : Optional.empty();
        T reference;
        if (through.isEmpty() && wrapping.isEmpty()) {
            reference = instance; // nothing between caller and callee: a method call
        } else if (observer.isPresent()) {
            reference = c.observed().create(instance, observer.get(), outer); // watched, still a method call
        } else {
            reference = stub(c, outer);
        }
        references.put(c.type(), reference);
    }

    /** The invoker wrapped by every decoration, in order; those that wrapped it go into {@code wrapping}. */
    private Invoker decorated(ComponentDescriptor<?> callee, Invoker invoker, boolean encoded,
            List<CallDecorator.Decoration> wrapping) {
        Invoker result = invoker;
        for (CallDecorator.Decoration d : decorations) {
            Invoker next = d.decorate(callee, result, encoded);
            if (next != result) {
                wrapping.add(d);
            }
            result = next;
        }
        return result;
    }

    private Object argument(ComponentDescriptor<?> c, Dependency d) {
        return switch (d) {
            case Dependency.OnComponent on -> references.get(on.type());
            case Dependency.OnRef on -> ref(c, on.type());
            case Dependency.OnConfig<?> on -> configs.get(c.name());
            case Dependency.OnService on -> service(c, on);
        };
    }

    private <T> LazyRef<T> ref(ComponentDescriptor<?> owner, Class<T> type) {
        return new LazyRef<>(owner.name(), type.getSimpleName(), this, () -> type.cast(references.get(type)));
    }

    private Object service(ComponentDescriptor<?> c, Dependency.OnService d) {
        if (d.type() == Clock.class) {
            return context.clock().orElseGet(Clock::systemUTC);
        }
        if (d.type() == System.Logger.class) {
            return System.getLogger("cleave." + c.name());
        }
        Map<Object, Object> own = services.computeIfAbsent(c.name(), k -> new LinkedHashMap<>());
        // one Store per component, however often asked for; but each parameter of a generic service
        // (Cache<Product> products, Cache<ProductPage> listings) is its own instance, with its own codecs
        Object key = d.typeArguments().isEmpty() ? d.type() : List.of(d.type(), d.parameter());
        Object existing = own.get(key);
        if (existing != null) {
            return existing;
        }
        Object created = supply(c, d);
        own.put(key, created);
        return created;
    }

    private Object supply(ComponentDescriptor<?> c, Dependency.OnService d) {
        Request request = new Request(c, d);
        List<String> tried = new ArrayList<>();
        for (ServiceProvider provider : context.providers()) {
            Optional<?> supplied;
            try {
                supplied = provider.provide(request);
            } catch (StartupException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new StartupException("component " + c.name() + ": constructor parameter \"" + d.parameter() + "\": "
                        + provider.describe() + " could not supply " + d.type().getName() + ": " + describe(e), e);
            }
            if (supplied.isPresent()) {
                Object service = supplied.get();
                if (!d.type().isInstance(service)) {
                    throw new StartupException("component " + c.name() + ": constructor parameter \"" + d.parameter() + "\": "
                            + provider.describe() + " supplied a " + service.getClass().getName() + ", which is not a "
                            + d.type().getName());
                }
                return service;
            }
            tried.add(provider.describe());
        }
        throw new StartupException("component " + c.name() + ": constructor parameter \"" + d.parameter() + "\" needs "
                + d.type().getName() + ", which no service provider supplies"
                + (tried.isEmpty() ? " (there are no service providers on the class path; add the module that provides it)"
                        : " (tried: " + String.join(", ", tried) + ")"));
    }

    private void startAll() {
        for (Hosted h : hosted) {
            if (h.instance() instanceof Lifecycle lifecycle) {
                units.add(new Unit(h.component().name(), lifecycle, false));
            }
            attached.getOrDefault(h.component().name(), List.of())
                    .forEach(l -> units.add(new Unit(h.component().name(), l, true)));
        }
        for (Unit u : units) {
            try {
                u.lifecycle().start();
            } catch (StartupException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new StartupException("component " + u.component() + " failed to start: "
                        + (u.service() ? u.lifecycle() + ": " : "") + describe(e), e);
            }
            started++;
        }
        Map<String, Object> instances = new LinkedHashMap<>();
        hosted.forEach(h -> instances.put(h.component().name(), h.instance()));
        try {
            deployment.started(instances);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StartupException("deployer \"" + settings.deployer() + "\" failed to start: " + describe(e), e);
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    /** Stops what started, in reverse order, then closes resources, the deployment and what was prepared. */
    private void shutdown() {
        try {
            deployment.stopping();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "deployer " + settings.deployer() + " failed while stopping", e);
        }
        for (int i = started - 1; i >= 0; i--) {
            Unit u = units.get(i);
            try {
                u.lifecycle().stop();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.log(System.Logger.Level.WARNING, "component " + u.component() + " failed to stop"
                        + (u.service() ? ": " + u.lifecycle() : ""), e);
            }
        }
        started = 0;
        List<AutoCloseable> toClose;
        synchronized (resources) {
            toClose = new ArrayList<>(resources);
            resources.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.log(System.Logger.Level.WARNING, "failed to close " + toClose.get(i), e);
            }
        }
        try {
            deployment.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "deployer " + settings.deployer() + " failed to close", e);
        }
        for (CallDecorator.Decoration d : decorations.reversed()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a call decorator failed to close", e);
            }
        }
        prepared.close();
    }

    @Override
    public Map<String, String> calls() {
        Set<String> shown = new HashSet<>(askedFor);
        decorations.forEach(d -> shown.addAll(d.called()));
        Map<String, String> states = new LinkedHashMap<>();
        for (CallDecorator.Decoration d : decorations) {
            d.state().forEach((callee, state) -> {
                if (shown.contains(callee)) {
                    states.merge(callee, state, (a, b) -> a + "; " + b);
                }
            });
        }
        for (java.util.function.Supplier<Map<String, String>> r : reports) {
            r.get().forEach((callee, state) -> states.merge(callee, state, (a, b) -> a + "; " + b));
        }
        return states;
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        synchronized (announced) {
            endpoints.putAll(announced);
        }
        decorations.forEach(d -> endpoints.putAll(d.endpoints()));
        return endpoints;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public <T> T component(Class<T> type) {
        Object reference = references.get(type);
        if (reference == null) {
            throw new IllegalArgumentException(type.getName() + " is not a component of application \"" + name()
                    + "\"; its components: " + String.join(", ", graph.names()));
        }
        return type.cast(reference);
    }

    @Override
    public void awaitShutdown() throws InterruptedException {
        if (stopped.getCount() > 0) {
            LOG.log(System.Logger.Level.INFO, "application " + name() + " is running (deployer " + settings.deployer()
                    + ", components " + String.join(", ", graph.names()) + ")");
        }
        stopped.await();
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                shutdown();
            } finally {
                stopped.countDown();
            }
        }
    }

    @Override
    public String toString() {
        return "App[" + name() + ", deployer " + settings.deployer() + ", components " + graph.names() + "]";
    }

    /** What a component's constructor parameter asks a {@link ServiceProvider} for. */
    private final class Request implements ServiceProvider.Request {
        private final ComponentDescriptor<?> component;
        private final Dependency.OnService dependency;

        Request(ComponentDescriptor<?> component, Dependency.OnService dependency) {
            this.component = component;
            this.dependency = dependency;
        }

        @Override
        public String component() {
            return component.name();
        }

        @Override
        public String parameter() {
            return dependency.parameter();
        }

        @Override
        public Class<?> type() {
            return dependency.type();
        }

        @Override
        public List<Codec<?>> typeArguments() {
            return dependency.typeArguments();
        }

        @Override
        public <T> T service(Class<T> type) {
            for (Dependency d : component.dependencies()) {
                if (d instanceof Dependency.OnService on && on.type() == type) {
                    return type.cast(RunningApp.this.service(component, on));
                }
            }
            throw new StartupException("component " + component.name() + ": constructor parameter \"" + dependency.parameter()
                    + "\" (" + dependency.type().getSimpleName() + ") needs the component's " + type.getSimpleName()
                    + ", which its constructor does not ask for; add a " + type.getSimpleName() + " parameter to the"
                    + " constructor of " + component.implementation().getSimpleName());
        }

        @Override
        public ConfigSection section(String path) {
            return document.section(Arrays.asList(path.split("\\.", -1)));
        }

        @Override
        public String application() {
            return settings.name();
        }

        @Override
        public Path dataDirectory() {
            return settings.dataDirectory();
        }

        @Override
        public void attach(Lifecycle lifecycle) {
            attached.computeIfAbsent(component.name(), k -> new ArrayList<>()).add(lifecycle);
        }

        @Override
        public void closeOnStop(AutoCloseable resource) {
            synchronized (resources) {
                resources.add(resource);
            }
        }

        @Override
        public void report(java.util.function.Supplier<Map<String, String>> states) {
            reports.add(states);
        }

        @Override
        public Optional<String> gatewayToken() {
            return deployment.gatewayToken();
        }

        @Override
        public boolean gatewayElsewhere() {
            return deployment.gatewayElsewhere();
        }

        @Override
        public void endpoint(String name, String url) {
            announced.put(name, url);
        }

        @Override
        public List<ComponentDescriptor<?>> components() {
            return graph.ordered();
        }

        @Override
        public <T> T component(Class<T> type) {
            return RunningApp.this.component(type);
        }

        @Override
        public String toString() {
            return dependency.type().getName() + " for " + component.name() + " (parameter \"" + dependency.parameter() + "\")";
        }
    }
}
