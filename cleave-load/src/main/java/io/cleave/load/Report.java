package io.cleave.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Renders a {@link LoadResult} as a terminal table, JSON, or a self-contained HTML page. */
final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ECHARTS_POM = "/META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private Report() {}

    static String json(LoadResult result) {
        try {
            return JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the result cannot be written as JSON", e);
        }
    }

    static String text(LoadResult r) {
        StringBuilder out = new StringBuilder();
        out.append("target     ").append(r.target()).append("  (").append(r.profile()).append(", scenario ")
                .append(r.scenario()).append(")\n");
        out.append(String.format(Locale.ROOT, "requests   %d scheduled, %d sent, %d responses, %d errors%n",
                r.scheduled(), r.sent(), r.responses(), r.errors()));
        out.append(String.format(Locale.ROOT, "rate       %s achieved, %s asked, over %.2f s%n",
                Format.rate(Math.round(r.achievedRate())), Format.rate(Math.round(r.targetRate())), r.elapsedSeconds()));
        out.append("errors     ");
        if (r.errorsByKind().isEmpty()) {
            out.append("none");
        } else {
            StringBuilder kinds = new StringBuilder();
            r.errorsByKind().forEach((kind, n) -> kinds.append(kinds.isEmpty() ? "" : ", ").append(kind).append(": ").append(n));
            out.append(kinds);
        }
        out.append('\n');
        if (r.sessions().started() != r.sent() || r.steps().size() > 1) {
            out.append(String.format(Locale.ROOT, "sessions   %d started, %d completed, %d failed, %d unfinished%n",
                    r.sessions().started(), r.sessions().completed(), r.sessions().failed(), r.sessions().unfinished()));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-28s %10s %10s %10s %10s %10s%n", "latency", "p50", "p90", "p99", "p99.9", "max"));
        out.append(latencyRow("from intended start", r.latency()));
        out.append(latencyRow("from actual send", r.serviceTime()));
        out.append(latencyRow("generator lag", r.generatorLag()));
        if (r.steps().size() > 1) {
            out.append('\n');
            out.append(String.format(Locale.ROOT, "%-28s %10s %10s %10s %10s%n", "step", "requests", "errors", "p50", "p99"));
            for (LoadResult.StepResult step : r.steps()) {
                out.append(String.format(Locale.ROOT, "%-28s %10d %10d %10s %10s%n", clip(step.flow() + "/" + step.step(), 28),
                        step.requests(), step.errors(), Format.millis(step.latency().p50()), Format.millis(step.latency().p99())));
            }
        }
        if (r.phases().size() > 1) {
            out.append('\n');
            out.append(String.format(Locale.ROOT, "%-14s %9s %9s %9s %9s %11s %9s %9s %9s%n", "phase (due)", "ok",
                    "ok p50", "ok p99", "ok max", "err. resp.", "err. p99", "err. max", "failed"));
            for (LoadResult.Phase phase : r.phases()) {
                out.append(String.format(Locale.ROOT, "%-14s %9d %9s %9s %9s %11d %9s %9s %9d%n",
                        phase.name() + " " + Math.round(phase.fromSecond()) + "-" + Math.round(phase.toSecond()) + "s",
                        phase.ok().count(), orDash(phase.ok(), phase.ok().p50()), orDash(phase.ok(), phase.ok().p99()),
                        orDash(phase.ok(), phase.ok().max()), phase.errorResponses().count(),
                        orDash(phase.errorResponses(), phase.errorResponses().p99()),
                        orDash(phase.errorResponses(), phase.errorResponses().max()), phase.failures()));
            }
        }
        warning(r).ifPresent(warning -> out.append('\n').append("WARNING    ").append(warning).append('\n'));
        return out.toString();
    }

    /**
     * A warning when most requests failed: the figures above then measure errors (often a wrong
     * path, answered 404 at full speed), not the service, and must not pass for its latency.
     */
    static Optional<String> warning(LoadResult r) {
        if (r.sent() == 0 || r.errors() * 2 <= r.sent()) {
            return Optional.empty();
        }
        Map.Entry<String, Long> commonest = r.errorsByKind().entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow();
        return Optional.of(String.format(Locale.ROOT,
                "MOST REQUESTS FAILED: %d of %d (%d%%), most often %s (%d). The latencies above are mostly those of errors,"
                        + " not of the service: check the URL, and the paths and expected statuses of the scenario if any.",
                r.errors(), r.sent(), Math.round(100.0 * r.errors() / r.sent()), commonest.getKey(), commonest.getValue()));
    }

    private static String latencyRow(String label, LoadResult.Latency l) {
        if (l.count() == 0) {
            return String.format(Locale.ROOT, "%-28s %10s%n", label, "no responses");
        }
        return String.format(Locale.ROOT, "%-28s %10s %10s %10s %10s %10s%n", label, Format.millis(l.p50()),
                Format.millis(l.p90()), Format.millis(l.p99()), Format.millis(l.p999()), Format.millis(l.max()));
    }

    private static String orDash(LoadResult.Latency latency, double millis) {
        return latency.count() == 0 ? "-" : Format.millis(millis);
    }

    private static String clip(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }

    static String html(LoadResult r) {
        String data = json(r).replace("</", "<\\/");
        StringBuilder errors = new StringBuilder();
        if (r.errorsByKind().isEmpty()) {
            errors.append("<tr><td colspan=2>none</td></tr>");
        }
        for (Map.Entry<String, Long> e : r.errorsByKind().entrySet()) {
            errors.append("<tr><td>").append(escape(e.getKey())).append("</td><td class=n>").append(e.getValue()).append("</td></tr>");
        }
        StringBuilder steps = new StringBuilder();
        for (LoadResult.StepResult s : r.steps()) {
            steps.append("<tr><td>").append(escape(s.flow())).append("</td><td>").append(escape(s.step()))
                    .append("</td><td class=n>").append(s.requests()).append("</td><td class=n>").append(s.errors())
                    .append("</td><td class=n>").append(ms(s.latency().p50())).append("</td><td class=n>")
                    .append(ms(s.latency().p99())).append("</td><td class=n>").append(ms(s.latency().max())).append("</td></tr>");
        }
        return PAGE
                .replace("{{title}}", escape("cleave load: " + r.target()))
                .replace("{{warning}}", warning(r).map(w -> "<p class=\"warning\">" + escape(w) + "</p>").orElse(""))
                .replace("{{target}}", escape(r.target()))
                .replace("{{profile}}", escape(r.profile()))
                .replace("{{scenario}}", escape(r.scenario()))
                .replace("{{started}}", escape(r.startedAt()))
                .replace("{{requests}}", r.scheduled() + " scheduled, " + r.sent() + " sent, " + r.responses() + " responses, "
                        + r.errors() + " errors")
                .replace("{{rate}}", escape(Format.rate(Math.round(r.achievedRate())) + " achieved, "
                        + Format.rate(Math.round(r.targetRate())) + " asked, over "
                        + String.format(Locale.ROOT, "%.2f s", r.elapsedSeconds())))
                .replace("{{sessions}}", r.sessions().started() + " started, " + r.sessions().completed() + " completed, "
                        + r.sessions().failed() + " failed, " + r.sessions().unfinished() + " unfinished")
                .replace("{{latency}}", latencyCells(r.latency()))
                .replace("{{service}}", latencyCells(r.serviceTime()))
                .replace("{{lag}}", latencyCells(r.generatorLag()))
                .replace("{{errors}}", errors)
                .replace("{{steps}}", steps)
                .replace("{{data}}", data)
                .replace("{{echarts}}", echarts());
    }

    private static String latencyCells(LoadResult.Latency l) {
        return "<td class=n>" + ms(l.p50()) + "</td><td class=n>" + ms(l.p90()) + "</td><td class=n>" + ms(l.p99())
                + "</td><td class=n>" + ms(l.p999()) + "</td><td class=n>" + ms(l.max()) + "</td>";
    }

    private static String ms(double millis) {
        return escape(Format.millis(millis));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The echarts bundle from its webjar, to inline: the report must open without a network. */
    private static String echarts() {
        try (InputStream pom = Report.class.getResourceAsStream(ECHARTS_POM)) {
            if (pom == null) {
                throw new IllegalStateException("the echarts webjar (org.webjars.npm:echarts) is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(pom);
            String bundle = "/META-INF/resources/webjars/echarts/" + properties.getProperty("version") + "/dist/echarts.min.js";
            try (InputStream js = Report.class.getResourceAsStream(bundle)) {
                if (js == null) {
                    throw new IllegalStateException(bundle + " is missing from the echarts webjar");
                }
                return new String(js.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the echarts webjar", e);
        }
    }

    /** Writes the whole text or nothing: a temporary file beside the target, then a rename. */
    static void write(Path file, String text) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{{title}}</title>
            <style>
              body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
              h1 { font-size: 20px; margin: 0 0 12px; }
              h2 { font-size: 16px; margin: 24px 0 8px; }
              table { border-collapse: collapse; margin: 8px 0; }
              td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
              td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
              .chart { width: 100%; height: 320px; }
              .note { color: #666; font-size: 12px; }
              .warning { background: #fdd; border: 2px solid #c00; padding: 8px 12px; font-weight: bold; }
            </style>
            </head>
            <body>
            <h1>{{title}}</h1>
            {{warning}}
            <table>
              <tr><th>profile</th><td>{{profile}}</td></tr>
              <tr><th>scenario</th><td>{{scenario}}</td></tr>
              <tr><th>started</th><td>{{started}}</td></tr>
              <tr><th>requests</th><td>{{requests}}</td></tr>
              <tr><th>rate</th><td>{{rate}}</td></tr>
              <tr><th>sessions</th><td>{{sessions}}</td></tr>
            </table>
            <h2>Latency</h2>
            <table>
              <tr><th></th><th class=n>p50</th><th class=n>p90</th><th class=n>p99</th><th class=n>p99.9</th><th class=n>max</th></tr>
              <tr><th>from intended start</th>{{latency}}</tr>
              <tr><th>from actual send</th>{{service}}</tr>
              <tr><th>generator lag</th>{{lag}}</tr>
            </table>
            <p class="note">Latency from the intended start includes time a request waited because the target was slow
            (coordinated-omission corrected); latency from the actual send is what a closed-loop tool would report.
            Generator lag is how late this process started requests; if it is large, the load generator was short of CPU.</p>
            <h2>Errors</h2>
            <table><tr><th>kind</th><th class=n>count</th></tr>{{errors}}</table>
            <h2>Steps</h2>
            <table>
              <tr><th>flow</th><th>step</th><th class=n>requests</th><th class=n>errors</th><th class=n>p50</th><th class=n>p99</th><th class=n>max</th></tr>
              {{steps}}
            </table>
            <h2>Throughput</h2>
            <div id="throughput" class="chart"></div>
            <h2>Latency over time</h2>
            <div id="latency" class="chart"></div>
            <h2>Errors over time</h2>
            <div id="errors" class="chart"></div>
            <script type="application/json" id="data">{{data}}</script>
            <script>{{echarts}}</script>
            <script>
            (function () {
              var r = JSON.parse(document.getElementById('data').textContent);
              var xs = r.series.map(function (s) { return s.second + 1; });
              function chart(id, yName, series, stacked) {
                var c = echarts.init(document.getElementById(id));
                c.setOption({
                  animation: false,
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0 },
                  grid: { left: 70, right: 30, top: 40, bottom: 40 },
                  xAxis: { type: 'category', data: xs, name: 's', nameLocation: 'end' },
                  yAxis: { type: 'value', name: yName },
                  series: series.map(function (s) {
                    return Object.assign({ type: stacked ? 'bar' : 'line', showSymbol: false, stack: stacked ? 'e' : undefined }, s);
                  })
                });
                window.addEventListener('resize', function () { c.resize(); });
              }
              function col(name) { return r.series.map(function (s) { return s[name]; }); }
              chart('throughput', 'requests/s', [
                { name: 'target', data: col('target'), lineStyle: { type: 'dashed' } },
                { name: 'sent', data: col('sent') },
                { name: 'responses', data: col('responses') }
              ], false);
              chart('latency', 'ms', [
                { name: 'p50', data: col('p50') },
                { name: 'p90', data: col('p90') },
                { name: 'p99', data: col('p99') },
                { name: 'max', data: col('max') }
              ], false);
              var kinds = {};
              r.series.forEach(function (s) { Object.keys(s.errorsByKind).forEach(function (k) { kinds[k] = true; }); });
              var errorSeries = Object.keys(kinds).sort().map(function (k) {
                return { name: k, data: r.series.map(function (s) { return s.errorsByKind[k] || 0; }) };
              });
              if (errorSeries.length === 0) { errorSeries = [{ name: 'errors', data: col('errors') }]; }
              chart('errors', 'errors/s', errorSeries, true);
            })();
            </script>
            </body>
            </html>
            """;
}
