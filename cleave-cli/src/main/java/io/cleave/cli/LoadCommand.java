package io.cleave.cli;

import io.cleave.load.LoadResult;
import io.cleave.load.LoadTest;
import io.cleave.load.Profile;
import io.cleave.load.Scenario;
import io.cleave.load.ScenarioException;
import io.cleave.load.TargetUnreachableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cleave load}: the open-loop HTTP load generator. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Sends HTTP load at a fixed arrival rate (open loop) and measures latency from each request's intended start,"
                    + " so a slow target cannot hide its queue. Prints progress every second, a summary at the end, and"
                    + " writes an HTML report with charts and a JSON file with the same numbers.",
            "",
            "Examples:",
            "  cleave load http://127.0.0.1:8080/api/health --rate 20000 --duration 30s",
            "  cleave load http://127.0.0.1:8080 --scenario examples/shop/load/checkout.toml --profile ramp --rate 100 --to-rate 1000 --duration 1m",
            "  cleave load http://127.0.0.1:8080 --scenario examples/shop/load/checkout.toml --profile spike --rate 200 --spike-factor 10"
                    + " --warm 20s --spike 20s --cool 20s",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run finished (errors of the target are in the report, not in the exit code)",
            "1:the run could not start or its report could not be written (one line says why)",
            "2:invalid command line"
        })
final class LoadCommand implements Callable<Integer> {

    enum ProfileKind { steady, ramp, spike }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL",
            description = "Target, such as http://127.0.0.1:8080/api/health. Without --scenario every request is a GET of it"
                    + " (its path and query exactly); with one, its path prefixes the scenario's paths."
                    + " Only loopback addresses unless --allow-remote.")
    private String url;

    @Option(names = "--rate", required = true, paramLabel = "N",
            description = "Requests per second (the start rate of a ramp, the base rate of a spike).")
    private double rate;

    @Option(names = "--profile", defaultValue = "steady", paramLabel = "KIND",
            description = "steady, ramp or spike (default: ${DEFAULT-VALUE}).")
    private ProfileKind profile;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Length of a steady run or a ramp (default 10s), such as 30s, 5m, 1m30s.")
    private Duration duration;

    @Option(names = "--to-rate", paramLabel = "N", description = "Ramp: requests per second at the end.")
    private Double toRate;

    @Option(names = "--spike-factor", paramLabel = "X", description = "Spike: times the base rate during the spike (default 10).")
    private Double spikeFactor;

    @Option(names = "--warm", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Spike: time at the base rate before the spike (default 10s).")
    private Duration warm;

    @Option(names = "--spike", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Spike: length of the spike (default 10s).")
    private Duration spike;

    @Option(names = "--cool", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Spike: time at the base rate after the spike (default 10s).")
    private Duration cool;

    @Option(names = "--max-requests", paramLabel = "N",
            description = "Stop after this many requests even if the profile is not over.")
    private Long maxRequests;

    @Option(names = "--warmup", defaultValue = "0s", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Send load for this long first, unmeasured, at the profile's starting rate, so that neither this"
                    + " process nor the target is measured cold (default: ${DEFAULT-VALUE}; 5s is good above ~5000 req/s).")
    private Duration warmup;

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "TOML file with weighted flows of requests and their data flow (see cleave-load/README.md).")
    private Path scenario;

    @Option(names = {"-X", "--method"}, paramLabel = "METHOD", description = "Without --scenario: the HTTP method (default GET).")
    private String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Without --scenario: a request header; repeatable.")
    private List<String> headers = new ArrayList<>();

    @Option(names = "--body", paramLabel = "TEXT", description = "Without --scenario: the request body.")
    private String body;

    @Option(names = {"-c", "--connections"}, defaultValue = "64", paramLabel = "N",
            description = "Keep-alive connections to the target (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = {"-t", "--threads"}, defaultValue = "1", paramLabel = "N",
            description = "Event loop threads sending the load (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "TIME", converter = DurationConverter.class,
            description = "A request not answered this long after its intended start is a timeout (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--html", defaultValue = "cleave-load.html", paramLabel = "FILE",
            description = "Where to write the HTML report (default: ${DEFAULT-VALUE}).")
    private Path html;

    @Option(names = "--json", defaultValue = "cleave-load.json", paramLabel = "FILE",
            description = "Where to write the JSON results (default: ${DEFAULT-VALUE}).")
    private Path json;

    @Option(names = "--no-report", description = "Write neither the HTML report nor the JSON file.")
    private boolean noReport;

    @Option(names = {"-q", "--quiet"}, description = "No progress line every second.")
    private boolean quiet;

    @Option(names = "--allow-remote", description = "Allow a target that is not a loopback address. Only load machines you own.")
    private boolean allowRemote;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadTest test;
        try {
            test = build(out);
        } catch (ScenarioException e) {
            err.println("cleave load: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("cleave load: " + e.getMessage());
            return 1;
        }
        CountDownLatch reported = new CountDownLatch(1);
        Thread onInterrupt = new Thread(() -> {
            test.stop();
            try {
                reported.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cleave-load-stop");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            LoadResult result = test.run();
            out.println();
            out.print(result.summary());
            if (!noReport) {
                result.writeHtml(html);
                result.writeJson(json);
                out.println();
                out.println("report: " + html.toAbsolutePath() + "  data: " + json.toAbsolutePath());
            }
            out.flush();
            return 0;
        } catch (TargetUnreachableException e) {
            err.println("cleave load: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("cleave load: cannot write the report: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("cleave load: interrupted");
            return 1;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is what stopped us
            }
        }
    }

    private LoadTest build(PrintWriter out) throws ScenarioException {
        URI target;
        try {
            target = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("target \"" + url + "\" is not a URL: " + e.getReason());
        }
        LoadTest.Builder builder = LoadTest.builder()
                .target(target)
                .profile(profile())
                .connections(connections)
                .threads(threads)
                .timeout(timeout)
                .warmup(warmup)
                .allowRemote(allowRemote);
        if (maxRequests != null) {
            builder.maxRequests(maxRequests);
        }
        if (scenario != null) {
            if (method != null || !headers.isEmpty() || body != null) {
                throw usage("--method, --header and --body describe the single request sent without --scenario;"
                        + " with a scenario, put them in its steps");
            }
            builder.scenario(Scenario.parse(scenario));
        } else if (method != null || !headers.isEmpty() || body != null) {
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            builder.scenario(Scenario.request(method == null ? "GET" : method,
                    target.getRawQuery() == null ? path : path + "?" + target.getRawQuery(), headers(), Optional.ofNullable(body)));
        }
        if (!quiet) {
            if (!warmup.isZero()) {
                out.println("warming up for " + warmup.toMillis() / 1000.0 + " s (not measured) ...");
                out.flush();
                builder.onMeasuring(() -> {
                    out.println("measuring ...");
                    out.flush();
                });
            }
            builder.onProgress(p -> {
                out.println(p.line());
                out.flush();
            });
        }
        return builder.build();
    }

    private Profile profile() {
        switch (profile) {
            case steady -> {
                rejectFor("steady", toRate, "--to-rate", spikeFactor, "--spike-factor", warm, "--warm", spike, "--spike", cool, "--cool");
                return Profile.steady(rate, duration == null ? Duration.ofSeconds(10) : duration);
            }
            case ramp -> {
                rejectFor("ramp", spikeFactor, "--spike-factor", warm, "--warm", spike, "--spike", cool, "--cool");
                if (toRate == null) {
                    throw usage("--profile ramp needs --to-rate, the rate at the end of the ramp");
                }
                return Profile.ramp(rate, toRate, duration == null ? Duration.ofSeconds(10) : duration);
            }
            default -> {
                rejectFor("spike", toRate, "--to-rate");
                if (duration != null) {
                    throw usage("--duration does not apply to --profile spike; its length is --warm + --spike + --cool");
                }
                Duration ten = Duration.ofSeconds(10);
                return Profile.spike(rate, spikeFactor == null ? 10 : spikeFactor, warm == null ? ten : warm,
                        spike == null ? ten : spike, cool == null ? ten : cool);
            }
        }
    }

    private void rejectFor(String kind, Object... valuesAndNames) {
        for (int i = 0; i < valuesAndNames.length; i += 2) {
            if (valuesAndNames[i] != null) {
                throw usage(valuesAndNames[i + 1] + " does not apply to --profile " + kind);
            }
        }
    }

    private Map<String, String> headers() {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw usage("header '" + header + "' must be written 'Name: value'");
            }
            parsed.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        return parsed;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
