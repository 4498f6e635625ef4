package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.deploy.MultiTestTopology;
import io.cleave.deploy.SupervisorHandle;
import io.cleave.observe.app.Front;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data behind the dashboard ({@code /topology} on the admin endpoint): in {@code multi} the
 * supervisor's shows every process and wants its secret; the spans of one trace are gathered
 * from every process, and the trace's log lines come from the consolidated log. A process alone
 * shows itself.
 */
@CleaveTest(config = "observe-test.toml")
class TopologyDashboardTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TopologyTest
    void showsEveryProcessAndGathersATraceAndItsLogLines(Front front, App app, TestTopology topology) throws Exception {
        String page = app.endpoints().get("dashboard");
        String base = page.substring(0, page.length() - "/dashboard".length());
        boolean multi = topology.name().equals("multi");
        String secret = multi ? SupervisorHandle.find(MultiTestTopology.stateDirectory(app), Optional.of(app.name()))
                .dashboard().orElseThrow().replaceAll(".*#token=", "") : "";

        front.run(1, 0, 0);

        if (multi) {
            assertThat(get(base + "/topology", "").statusCode()).as("without the secret").isEqualTo(401);
            assertThat(get(base + "/topology", "not-" + secret).statusCode()).as("with a wrong one").isEqualTo(401);
        }
        // a process that does not answer within the supervisor's 1 s shows without meters until it does
        long meters = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode topo = json(base + "/topology", secret);
        while (topo.findValues("replicas").stream().flatMap(r -> java.util.stream.StreamSupport.stream(r.spliterator(), false))
                .anyMatch(r -> !r.has("meters")) && System.nanoTime() < meters) {
            Thread.sleep(200);
            topo = json(base + "/topology", secret);
        }
        assertThat(topo.get("mode").asText()).isEqualTo(multi ? "multi" : "process");
        List<String> groups = new ArrayList<>();
        topo.get("groups").forEach(g -> groups.add(g.get("name").asText()));
        assertThat(groups).containsExactlyInAnyOrderElementsOf(multi ? List.of("Front", "Back+Flaky") : List.of("observed"));
        for (JsonNode g : topo.get("groups")) {
            for (JsonNode r : g.get("replicas")) {
                assertThat(r.get("health").asText()).isEqualTo("HEALTHY");
                assertThat(r.path("meters").path("timers").isArray()).as(g.get("name") + "'s call meters").isTrue();
                assertThat(r.path("meters").path("cpuNanos").asLong()).as("its CPU time").isPositive();
            }
        }
        assertThat(topo.get("dependencies").get("Front")).extracting(JsonNode::asText).contains("Back");

        String traceId = Traces.of(ObserveTopologyTest.endpoints(app, topology, "traces")).stream()
                .filter(s -> s.name().equals("Front.run")).reduce((a, b) -> b).orElseThrow().traceId();
        JsonNode trace = json(base + "/topology/trace?id=" + traceId, secret).get("spans");
        List<String> spans = new ArrayList<>();
        trace.forEach(s -> spans.add(s.get("name").asText() + " in " + s.get("where").asText()));
        assertThat(spans).as("Front.run made here, Back.echo by Front's process in multi").containsExactly(
                "Front.run in " + (multi ? "supervisor" : "this process"), "Back.echo in " + (multi ? "Front/0" : "this process"));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode lines = json(base + "/topology/logs?trace=" + traceId, secret).get("lines");
        while (lines.isEmpty() && System.nanoTime() < deadline) { // the log line travels through the child's pipe
            Thread.sleep(100);
            lines = json(base + "/topology/logs?trace=" + traceId, secret).get("lines");
        }
        assertThat(lines).as("the log line BackImpl.echo wrote in the trace").hasSize(1);
        assertThat(lines.get(0).asText()).contains("echo ", "trace=" + traceId);
        JsonNode traces = json(base + "/topology/traces", secret).get("traces");
        List<String> ids = new ArrayList<>();
        traces.forEach(t -> ids.add(t.get("traceId").asText()));
        assertThat(ids).as("recent traces gathered across processes").isNotEmpty();
    }

    private static HttpResponse<String> get(String url, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (!secret.isEmpty()) {
            request.header("Authorization", "Bearer " + secret);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String url, String secret) throws Exception {
        HttpResponse<String> reply = get(url, secret);
        assertThat(reply.statusCode()).as(url + ": " + reply.body()).isEqualTo(200);
        return JSON.readTree(reply.body());
    }
}
