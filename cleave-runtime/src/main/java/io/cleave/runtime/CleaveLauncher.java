package io.cleave.runtime;

import io.cleave.App;
import io.cleave.StartupException;
import io.cleave.runtime.spi.CallDecorator;
import io.cleave.runtime.spi.Deployer;
import io.cleave.runtime.spi.Deployment;
import io.cleave.runtime.spi.Gateway;
import io.cleave.runtime.spi.Topology;
import io.cleave.runtime.spi.TransportSettings;
import io.cleave.spi.AppOptions;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.ConfigSection;
import io.cleave.spi.Dependency;
import io.cleave.spi.Launcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The runtime's entry point, found by {@link io.cleave.Cleave.Builder#start()} with
 * {@link java.util.ServiceLoader}. It reads the configuration, checks it and the component
 * graph together (reporting every problem at once), then lets the chosen deployer decide what
 * this process hosts, and constructs and starts it.
 */
public final class CleaveLauncher implements Launcher {

    /** Sections of {@code cleave.toml} that belong to runtime services rather than components. */
    static final List<String> SERVICE_SECTIONS = List.of("listeners", "data", "sagas", "transport");

    private final LaunchContext context;

    /** Creates the launcher over the real environment and class path. */
    public CleaveLauncher() {
        this(LaunchContext.system());
    }

    /**
     * Why an application has no components: nearly always because the annotation processor did
     * not run, which compiles fine and would otherwise fail later with a puzzling message.
     */
    static final String NO_COMPONENTS = "this application has no components: the class path has no"
            + " META-INF/services/io.cleave.spi.Registry, which the annotation processor (io.cleave:cleave-codegen)"
            + " writes when it compiles @Component interfaces, so it did not run. javac on JDK 23 and newer runs"
            + " processors found on the class path only when asked: in Maven set <proc>full</proc> in the"
            + " maven-compiler-plugin's <configuration> (or list io.cleave:cleave-codegen in its"
            + " <annotationProcessorPaths>), with javac pass -proc:full; then rebuild (mvn clean package). In a fat"
            + " jar, keep the services files (maven-shade-plugin's ServicesResourceTransformer)";

    CleaveLauncher(LaunchContext context) {
        this.context = context;
    }

    /**
     * Starts an application.
     *
     * @param options what the caller asked for
     * @return the running application
     * @throws StartupException listing every configuration and graph problem, or naming the
     *     component whose construction or start failed; nothing is left running
     */
    @Override
    public App launch(AppOptions options) {
        Problems problems = new Problems();
        Overrides overrides = Overrides.of(context.environment(), options.overrides(), problems);
        ConfigDocument document = ConfigDocument.load(options, context.workingDirectory(), context.classLoader(),
                overrides, problems);
        ComponentGraph graph = ComponentGraph.of(context.registries(), problems);
        if (graph.names().isEmpty()) {
            // alone: every other problem (unknown components in the config, ...) would follow from it
            throw new StartupException(NO_COMPONENTS);
        }

        Map<String, Deployer> deployers = new LinkedHashMap<>();
        deployers.put(SingleDeployer.NAME, new SingleDeployer());
        for (Deployer d : context.deployers()) {
            deployers.putIfAbsent(d.name(), d);
        }
        Settings settings = Settings.read(document, options, graph.names(), deployers.keySet(), problems);
        List<String> known = new ArrayList<>(List.of("app", "single", "multi"));
        known.addAll(SERVICE_SECTIONS);
        known.add(Gateway.SECTION);
        Optional<Gateway> gateway = Optional.empty();
        if (document.hasSection(Gateway.SECTION)) {
            gateway = ServiceLoader.load(Gateway.class, context.classLoader()).findFirst();
            if (gateway.isEmpty()) {
                problems.add(document.label() + ": [" + Gateway.SECTION + "] asks for a gateway, and none is on the class path;"
                        + " add the dependency io.cleave:cleave-gateway (scope runtime)");
            }
        }
        context.decorators().forEach(d -> known.addAll(d.sections()));
        context.providers().forEach(p -> known.addAll(p.sections()));
        deployers.keySet().stream().filter(n -> !known.contains(n)).forEach(known::add);
        document.checkSections(graph.names(), known, problems);
        TransportSettings transport = TransportSection.read(document, problems);
        Map<String, Record> configs = bindConfigs(graph, document, problems);
        CallDecorator.Context decorating = new DeployContext(settings, transport, graph, document, options, Optional.empty());
        for (CallDecorator d : context.decorators()) {
            try {
                d.check(decorating);
            } catch (ConfigSection.ConfigError e) {
                problems.add(e.getMessage());
            }
        }
        problems.throwIfAny(settings.name());
        List<CallDecorator.Decoration> decorations = decorations(decorating, problems);
        if (problems.count() > 0) {
            decorations.forEach(CallDecorator.Decoration::close); // an admin endpoint a decoration opened, say
            problems.throwIfAny(settings.name());
        }

        Deployer deployer = deployers.get(settings.deployer());
        Prepared prepared;
        try {
            prepared = deployer.deploysApplication() ? Prepared.of(settings, graph, document, context.providers(),
                    deployer.prepares())
                    : Prepared.none();
        } catch (RuntimeException | Error e) {
            decorations.forEach(CallDecorator.Decoration::close);
            throw e;
        }
        Deployment deployment;
        try {
            deployment = deployer.deploy(new DeployContext(settings, transport, graph, document, options, gateway));
        } catch (RuntimeException | Error e) {
            prepared.close();
            decorations.forEach(CallDecorator.Decoration::close);
            throw e;
        }
        return RunningApp.start(settings, graph, configs, document, context, deployment, prepared, decorations);
    }

    /** Creates each decorator's decoration for this application, collecting configuration problems. */
    private List<CallDecorator.Decoration> decorations(CallDecorator.Context decorating, Problems problems) {
        List<CallDecorator.Decoration> decorations = new ArrayList<>();
        List<CallDecorator> ordered = new ArrayList<>(context.decorators());
        ordered.sort(java.util.Comparator.comparingInt(CallDecorator::order)); // stable: equal orders keep theirs
        for (CallDecorator d : ordered) {
            try {
                decorations.add(d.create(decorating));
            } catch (ConfigSection.ConfigError e) {
                problems.add(e.getMessage());
            }
        }
        return decorations;
    }

    /** Binds every component's config record, collecting problems; rejects keys for components without one. */
    private static Map<String, Record> bindConfigs(ComponentGraph graph, ConfigDocument document, Problems problems) {
        Map<String, Record> configs = new LinkedHashMap<>();
        for (ComponentDescriptor<?> c : graph.ordered()) {
            TomlSection section = document.collectingSection(List.of(c.name()), problems);
            List<Dependency.OnConfig<?>> wanted = c.dependencies().stream()
                    .filter(d -> d instanceof Dependency.OnConfig<?>)
                    .<Dependency.OnConfig<?>>map(d -> (Dependency.OnConfig<?>) d)
                    .toList();
            if (wanted.isEmpty()) {
                section.rejectUnknown(Set.of(), "component " + c.name() + " takes no config record");
                continue;
            }
            Dependency.OnConfig<?> on = wanted.get(0);
            int before = problems.count();
            try {
                Record config = bind(on, section);
                if (problems.count() == before) {
                    configs.put(c.name(), config);
                }
            } catch (ConfigSection.ConfigError e) {
                problems.add(e.getMessage());
            } catch (RuntimeException e) {
                // A record constructor rejecting placeholder values is a consequence of problems already reported.
                if (problems.count() == before) {
                    problems.add(document.origin(List.of(c.name())) + ": [" + c.name() + "] is invalid for "
                            + on.type().getSimpleName() + ": " + RunningApp.describe(e));
                }
            }
        }
        return configs;
    }

    private static <C extends Record> C bind(Dependency.OnConfig<C> on, ConfigSection section) {
        return on.binder().bind(section);
    }

    /** What the chosen deployer is told about the validated application. */
    private record DeployContext(Settings settings, TransportSettings transport, ComponentGraph graph, ConfigDocument document,
            AppOptions options, Optional<Gateway> gateway) implements Deployer.Context, CallDecorator.Context {

        @Override
        public String application() {
            return settings.name();
        }

        @Override
        public List<ComponentDescriptor<?>> components() {
            return graph.ordered();
        }

        @Override
        public Topology topology() {
            return settings.topology();
        }

        @Override
        public boolean serializeCalls() {
            return settings.serializeCalls();
        }

        @Override
        public Path dataDirectory() {
            return settings.dataDirectory();
        }

        @Override
        public ConfigSection section(String path) {
            return document.section(Arrays.asList(path.split("\\.", -1)));
        }
    }
}
