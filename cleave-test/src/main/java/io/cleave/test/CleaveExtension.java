package io.cleave.test;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.Component;
import io.cleave.StartupException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * Backs {@link CleaveTest}: one invocation of each {@link TopologyTest} method per topology, an
 * application started once per test class and topology (kept in the class's store, closed
 * with it), and its components resolved as method parameters.
 */
final class CleaveExtension implements TestTemplateInvocationContextProvider {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CleaveExtension.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, TopologyTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        CleaveTest settings = settingsOf(context);
        List<TestTopology> topologies = TestTopologies.select(settings.topologies(), context.getRequiredTestClass().getClassLoader());
        return topologies.stream().map(t -> new Invocation(t, settings));
    }

    private static CleaveTest settingsOf(ExtensionContext context) {
        Class<?> type = context.getRequiredTestClass();
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            Optional<CleaveTest> found = AnnotationSupport.findAnnotation(c, CleaveTest.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new ExtensionConfigurationException("@TopologyTest method in " + type.getName()
                + " needs @CleaveTest on its class");
    }

    /** One run of a test method in one topology. */
    private record Invocation(TestTopology topology, CleaveTest settings) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + topology.name() + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Resolver(topology, settings), new FailureNamer(topology));
        }
    }

    /**
     * Puts the topology's name in front of an assertion's message. Surefire's console names the
     * runs of a test template by their index ({@code fails(Library)[2]}), not by their display
     * names, and JUnit offers no hook to change that; the message is what its failure summary
     * does show.
     */
    private record FailureNamer(TestTopology topology) implements TestExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
            throw failure instanceof AssertionError assertion ? named(assertion, "[" + topology.name() + "] ") : failure;
        }

        private static AssertionError named(AssertionError failure, String prefix) {
            String message = prefix + Objects.requireNonNullElse(failure.getMessage(), "");
            AssertionError named;
            if (failure instanceof AssertionFailedError diff && diff.isExpectedDefined() && diff.isActualDefined()) {
                // keeps expected and actual, for the IDE's comparison
                named = new AssertionFailedError(message, diff.getExpected(), diff.getActual(), failure.getCause());
            } else {
                named = new AssertionFailedError(message, failure.getCause());
            }
            named.setStackTrace(failure.getStackTrace());
            for (Throwable suppressed : failure.getSuppressed()) {
                named.addSuppressed(suppressed);
            }
            return named;
        }
    }

    /** Starts (or reuses) the topology's application and resolves parameters from it. */
    private record Resolver(TestTopology topology, CleaveTest settings) implements ParameterResolver, BeforeEachCallback {

        @Override
        public void beforeEach(ExtensionContext context) {
            app(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            return type == App.class || type == TestTopology.class
                    || (type.isInterface() && type.isAnnotationPresent(Component.class));
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            if (type == TestTopology.class) {
                return topology;
            }
            App app = app(context);
            return type == App.class ? app : app.component(type);
        }

        private App app(ExtensionContext context) {
            ExtensionContext classContext = context;
            while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
                classContext = classContext.getParent().get();
            }
            Class<?> testClass = classContext.getRequiredTestClass();
            // Keyed by what the annotation says of the app too: a store lookup also finds the
            // enclosing class's entries (and the root's), and a nested class with @CleaveTest of its
            // own needs its own app. A shared one lives in the root's store, closed when the whole
            // run ends; which topologies a class runs in is not part of the key, so a class of one
            // topology shares that topology's app with classes of all of them.
            ExtensionContext owner = settings.shared() ? classContext.getRoot() : classContext;
            StartedApp started = owner.getStore(NAMESPACE).getOrComputeIfAbsent(AppKey.of(topology, settings),
                    key -> StartedApp.start(topology, settings, testClass), StartedApp.class);
            return started.app(topology);
        }
    }

    /** What makes two classes' applications of a topology the same: every member of {@code @CleaveTest} but its topologies. */
    private record AppKey(String topology, String config, List<String> set, Class<?> settings, boolean freshDataDirectory,
            boolean shared) {

        static AppKey of(TestTopology topology, CleaveTest annotation) {
            return new AppKey(topology.name(), annotation.config(), List.of(annotation.set()), annotation.settings(),
                    annotation.freshDataDirectory(), annotation.shared());
        }
    }

    /** The application of one topology, or why it could not start (so it is tried once per class). */
    private record StartedApp(Optional<App> app, Optional<RuntimeException> failure, List<AutoCloseable> cleanup)
            implements AutoCloseable {

        static StartedApp start(TestTopology topology, CleaveTest settings, Class<?> testClass) {
            List<AutoCloseable> cleanup = new ArrayList<>();
            try {
                Cleave.Builder builder = builder(settings, testClass);
                Path dataDirectory = Files.createTempDirectory("cleave-test-" + topology.name() + "-");
                cleanup.add(() -> deleteTree(dataDirectory));
                if (settings.freshDataDirectory()) {
                    builder.set("app.data-dir", dataDirectory.toString());
                }
                Map<String, String> computed = computed(settings, testClass, topology, dataDirectory, cleanup);
                computed.forEach(builder::set);
                return new StartedApp(Optional.of(topology.start(builder)), Optional.empty(), cleanup);
            } catch (Exception e) {
                RuntimeException failure = e instanceof RuntimeException r ? r
                        : new StartupException("test settings failed: " + e.getMessage(), e);
                StartedApp failed = new StartedApp(Optional.empty(), Optional.of(failure), cleanup);
                failed.close();
                return failed;
            }
        }

        private static Map<String, String> computed(CleaveTest settings, Class<?> testClass, TestTopology topology,
                Path dataDirectory, List<AutoCloseable> cleanup) throws Exception {
            TestSettings source;
            try {
                source = settings.settings().getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new ExtensionConfigurationException("@CleaveTest(settings = " + settings.settings().getName()
                        + ".class) needs a public no-argument constructor", e);
            }
            return source.settings(new TestSettings.Context() {
                @Override
                public Class<?> testClass() {
                    return testClass;
                }

                @Override
                public String topology() {
                    return topology.name();
                }

                @Override
                public Path dataDirectory() {
                    return dataDirectory;
                }

                @Override
                public void closeAfter(AutoCloseable resource) {
                    cleanup.add(resource);
                }
            });
        }

        App app(TestTopology topology) {
            if (failure.isPresent()) {
                RuntimeException e = failure.get();
                throw new StartupException("the application did not start in topology " + topology.name() + ": "
                        + e.getMessage(), e);
            }
            return app.orElseThrow();
        }

        @Override
        public void close() {
            app.ifPresent(App::close);
            // Last registered first: settings' resources (a database) go before the data directory.
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).close();
                } catch (Exception e) {
                    System.getLogger("io.cleave.test").log(System.Logger.Level.WARNING, "test cleanup failed", e);
                }
            }
        }

        private static void deleteTree(Path root) throws IOException {
            if (!Files.exists(root)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static Cleave.Builder builder(CleaveTest settings, Class<?> testClass) {
        Cleave.Builder builder = Cleave.app();
        String config = settings.config();
        if (!config.isEmpty()) {
            Path file = Path.of(config);
            if (Files.isRegularFile(file)) {
                builder.config(file);
            } else {
                configFromClassPath(builder, config, testClass);
            }
        }
        for (String entry : settings.set()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@CleaveTest(set = \"" + entry
                        + "\"): write \"Component.key=value\", such as \"Greeter.greeting=Hi\"");
            }
            builder.set(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return builder;
    }

    private static void configFromClassPath(Cleave.Builder builder, String config, Class<?> testClass) {
        String name = config.startsWith("/") ? config.substring(1) : config;
        URL resource = testClass.getClassLoader().getResource(name);
        if (resource == null) {
            throw new ExtensionConfigurationException("@CleaveTest(config = \"" + config + "\"): no such file in "
                    + Path.of("").toAbsolutePath() + " and no such resource on the class path");
        }
        if ("file".equals(resource.getProtocol())) {
            try {
                // A file keeps its name in configuration errors.
                builder.config(Path.of(resource.toURI()));
                return;
            } catch (URISyntaxException | IllegalArgumentException e) {
                // fall through to reading the text
            }
        }
        try (InputStream in = resource.openStream()) {
            builder.configText(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ExtensionConfigurationException("@CleaveTest(config = \"" + config + "\"): cannot read " + resource, e);
        }
    }
}
