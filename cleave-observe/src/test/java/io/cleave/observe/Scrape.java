package io.cleave.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The samples of one or more Prometheus endpoints, read by the Prometheus project's own Python
 * client parser ({@code prometheus_client.parser}, Debian's {@code python3-prometheus-client}),
 * so a test finds out whether real tools can read what the endpoint serves.
 *
 * @param samples every sample of every endpoint
 */
record Scrape(List<Sample> samples) {

    /** One sample line: a metric name, its labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARSER = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append([s.name, s.labels, s.value])
            json.dump(out, sys.stdout)
            """;

    /**
     * Fetches and parses every endpoint.
     *
     * @param urls metrics URLs
     * @return their samples together
     * @throws AssertionError if an endpoint does not answer 200 in the Prometheus text format, or the parser refuses it
     */
    static Scrape of(Collection<String> urls) throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        for (String url : urls) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(url + " answered " + response.statusCode() + ": " + response.body());
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("text/plain; version=0.0.4")) {
                throw new AssertionError(url + " answered Content-Type " + type);
            }
            samples.addAll(parse(response.body()));
        }
        return new Scrape(samples);
    }

    static List<Sample> parse(String text) throws IOException, InterruptedException {
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", PARSER).redirectErrorStream(false).start();
        try (OutputStream in = python.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = python.getInputStream().readAllBytes();
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
            python.destroyForcibly();
            throw new AssertionError("prometheus_client could not parse the endpoint's text: " + err);
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : JSON.readTree(out)) {
            Map<String, String> labels = new TreeMap<>();
            s.get(1).properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(s.get(0).asText(), labels, s.get(2).asDouble()));
        }
        return samples;
    }

    /**
     * Sums the samples of a name whose labels include the given ones.
     *
     * @param name a sample name, such as {@code cleave_calls_seconds_count}
     * @param labels label names and values, alternating
     * @return the sum; 0 when none match
     */
    double sum(String name, String... labels) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s.labels(), labels)) {
                total += s.value();
            }
        }
        return total;
    }

    /** @return whether a sample of that name exists */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    private static boolean matches(Map<String, String> have, String[] want) {
        for (int i = 0; i < want.length; i += 2) {
            if (!want[i + 1].equals(have.get(want[i]))) {
                return false;
            }
        }
        return true;
    }
}
