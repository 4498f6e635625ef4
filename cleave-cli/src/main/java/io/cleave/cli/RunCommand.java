package io.cleave.cli;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.StartupException;
import java.io.File;
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

/** {@code cleave run}: runs an application until stopped, in the deployer its configuration (or --deployer) names. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a Cleave application until Ctrl-C or SIGTERM, as Cleave.run in the application's own main would. With"
                    + " --deployer=multi this process is the supervisor: it starts one process per group and replica,"
                    + " restarts them, and serves 'cleave status' and 'cleave logs'.",
            "",
            "Examples:",
            "  cleave run --class-path target/classes:$(cat cp.txt) --config cleave.toml --deployer multi",
            "  cleave run --class-path app.jar --set Greeter.greeting=Hi",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:the application could not start (one line says why)", "2:invalid command line"})
final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--class-path", paramLabel = "PATH",
            description = "The application's classes and dependencies, separated by the platform's path separator (':' on Unix).")
    private String classPath;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration (default: cleave.toml in this directory, else on the class path).")
    private Path config;

    @Option(names = "--deployer", paramLabel = "NAME", description = "single or multi, overriding [app] deployer.")
    private String deployer;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a configuration key; repeatable.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws MalformedURLException, InterruptedException {
        Cleave.Builder builder = Cleave.app();
        if (config != null) {
            builder.config(config);
        }
        if (deployer != null) {
            builder.deployer(deployer);
        }
        overrides.forEach(builder::set);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        if (classPath != null) {
            List<URL> urls = new ArrayList<>();
            for (String entry : classPath.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
                }
            }
            // the runtime finds the application's registries through this thread's context class loader
            Thread.currentThread().setContextClassLoader(new URLClassLoader(urls.toArray(URL[]::new), previous));
            // the multi supervisor gives its children its own class path plus this
            builder.set("multi.class-path", quoted(classPath));
        }
        App app;
        try {
            app = builder.start();
        } catch (StartupException e) {
            spec.commandLine().getErr().println("cleave run: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "cleave-shutdown"));
        app.awaitShutdown();
        return 0;
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
