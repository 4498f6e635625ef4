package io.cleave.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The recent spans of one or more processes, read from their admin endpoints' {@code /traces}. */
final class Traces {

    /** One span as {@code /traces} serves it. */
    record Span(String traceId, String spanId, String parentSpanId, String name, String kind, String process, long startNanos,
            long endNanos, String status, Map<String, String> attributes) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Traces() {
    }

    static List<Span> of(Collection<String> urls) throws IOException, InterruptedException {
        List<Span> spans = new ArrayList<>();
        for (String url : urls) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(url + " answered " + response.statusCode() + ": " + response.body());
            }
            for (JsonNode s : JSON.readTree(response.body()).get("spans")) {
                Map<String, String> attributes = new TreeMap<>();
                s.get("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
                spans.add(new Span(s.get("traceId").asText(), s.get("spanId").asText(), s.get("parentSpanId").asText(),
                        s.get("name").asText(), s.get("kind").asText(), s.get("process").asText(), s.get("startNanos").asLong(),
                        s.get("endNanos").asLong(), s.get("status").asText(), attributes));
            }
        }
        return spans;
    }
}
