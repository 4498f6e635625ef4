package io.cleave.cli;

import io.cleave.Cleave;
import io.cleave.StartupException;
import io.cleave.kube.KubeManifests;
import java.io.File;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleave deploy}: writes what a deployer needs to run the application elsewhere; today {@code kube}. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = "Writes what a platform needs to run the application: 'cleave deploy kube' writes Kubernetes manifests.",
        subcommands = {DeployCommand.Kube.class})
final class DeployCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a platform: cleave deploy kube --help");
    }

    /** {@code cleave deploy kube}. */
    @Command(
            name = "kube",
            mixinStandardHelpOptions = true,
            description = {
                "Validates the application as a start would (configuration, component graph, [kube]) and writes its"
                        + " Kubernetes manifests to DIR: <app>.yaml (ConfigMap with the configuration, the"
                        + " ServiceAccount and Role discovery runs as) and <app>-<group>.yaml per group (Deployment,"
                        + " headless Service, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy). Every group"
                        + " runs the same image, [kube] image; apply with kubectl apply -f DIR.",
                "",
                "Examples:",
                "  cleave deploy kube --class-path target/shop.jar --config cleave-services.toml --out target/kube",
                ""
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "1:the application or [kube] is invalid, or DIR cannot be written (one line says why)",
                "2:invalid command line"})
    static final class Kube implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--class-path", paramLabel = "PATH",
                description = "The application's classes and dependencies, separated by ':' (its components are read from them).")
        private String classPath;

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "cleave.toml",
                description = "The configuration; the ConfigMap carries this file (default: ${DEFAULT-VALUE}).")
        private Path config;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where the manifests go (created if absent).")
        private Path out;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key while planning; repeatable.")
        private Map<String, String> overrides = new LinkedHashMap<>();

        @Override
        public Integer call() throws MalformedURLException {
            Cleave.Builder builder = Cleave.app().config(config);
            overrides.forEach(builder::set);
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            if (classPath != null) {
                List<URL> urls = new ArrayList<>();
                for (String entry : classPath.split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
                    }
                }
                // the runtime finds the application's registries through this thread's context class loader
                thread.setContextClassLoader(new URLClassLoader(urls.toArray(URL[]::new), previous));
            }
            try {
                List<Path> written = KubeManifests.write(builder, out);
                written.forEach(f -> spec.commandLine().getOut().println("wrote " + f));
                return 0;
            } catch (StartupException | UncheckedIOException e) {
                spec.commandLine().getErr().println("cleave deploy kube: " + e.getMessage());
                return 1;
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
