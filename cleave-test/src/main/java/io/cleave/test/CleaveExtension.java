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
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

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
            return List.of(new Resolver(topology, settings));
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
            StartedApp started = classContext.getStore(NAMESPACE).getOrComputeIfAbsent(topology.name(),
                    name -> StartedApp.start(topology, builder(settings, testClass)), StartedApp.class);
            return started.app(topology);
        }
    }

    /** The application of one topology, or why it could not start (so it is tried once per class). */
    private record StartedApp(Optional<App> app, Optional<RuntimeException> failure) implements AutoCloseable {

        static StartedApp start(TestTopology topology, Cleave.Builder builder) {
            try {
                return new StartedApp(Optional.of(topology.start(builder)), Optional.empty());
            } catch (RuntimeException e) {
                return new StartedApp(Optional.empty(), Optional.of(e));
            }
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
