package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cleave.App;
import io.cleave.CircuitOpenException;
import io.cleave.ComponentUnavailableException;
import io.cleave.deploy.MultiTestTopology;
import io.cleave.deploy.StatusReport;
import io.cleave.deploy.SupervisorHandle;
import io.cleave.observe.app.Back;
import io.cleave.observe.app.Flaky;
import io.cleave.observe.app.Front;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every call between components is counted by method and outcome, in every topology: from the
 * test to Front, and from Front to Back (in the test's process in single, in Front's in multi),
 * local calls included. The endpoints are read with Prometheus's own parser; counts are compared
 * before and after a known sequence of calls.
 */
@CleaveTest(config = "observe-test.toml")
class ObserveTopologyTest {

    private static final String CALLS = "cleave_calls_seconds_count";

    /** Every metrics endpoint of the application: its own process's, and in multi every child's from the status report. */
    static List<String> endpoints(App app, TestTopology topology) {
        return endpoints(app, topology, "metrics");
    }

    /** Every endpoint of one name: this process's, and in multi every child's from the status report. */
    static List<String> endpoints(App app, TestTopology topology, String name) {
        List<String> urls = new ArrayList<>();
        assertThat(app.endpoints()).containsKey(name);
        urls.add(app.endpoints().get(name));
        if (topology.name().equals("multi")) {
            StatusReport status = SupervisorHandle.find(MultiTestTopology.stateDirectory(app), Optional.of(app.name())).status();
            assertThat(status.endpoints()).as("the supervisor's own process").isEqualTo(app.endpoints());
            for (StatusReport.Group g : status.groups()) {
                for (StatusReport.ReplicaReport r : g.replicas()) {
                    assertThat(r.endpoints()).as(g.name() + "/" + r.index()).containsKey(name);
                    urls.add(r.endpoints().get(name));
                }
            }
            assertThat(status.json()).contains("\"endpoints\":{\"dashboard\":\"http://127.0.0.1:", "\"metrics\":\"http://127.0.0.1:");
            assertThat(status.format()).contains("ENDPOINTS (what each process serves)", "Back+Flaky/0 metrics http://127.0.0.1:");
        }
        return urls;
    }

    @TopologyTest
    void countsEveryCallByMethodAndOutcome(Front front, App app, TestTopology topology) throws Exception {
        List<String> urls = endpoints(app, topology);
        Scrape before = Scrape.of(urls);
        // a plain local call's undeclared exception is itself; an encoded one arrives as RemoteFailureException
        String failed = topology.name().equals("single") ? "failure" : "remote_failure";

        int answered = front.run(3, 2, 1);

        Scrape after = Scrape.of(urls);
        assertThat(answered).isEqualTo(3);
        assertThat(delta(before, after, "Front", "run", "ok")).isEqualTo(1);
        assertThat(delta(before, after, "Back", "echo", "ok")).isEqualTo(3);
        assertThat(delta(before, after, "Back", "refuse", "declared")).isEqualTo(2);
        assertThat(delta(before, after, "Back", "fail", failed)).isEqualTo(1);
        assertThat(after.sum(CALLS, "component", "Back") - before.sum(CALLS, "component", "Back")).as("every call to Back")
                .isEqualTo(6);
        assertThat(after.sum("cleave_calls_seconds_bucket", "component", "Back", "method", "echo", "outcome", "ok", "le", "+Inf")
                - before.sum("cleave_calls_seconds_bucket", "component", "Back", "method", "echo", "outcome", "ok", "le", "+Inf"))
                .as("the latency histogram").isEqualTo(3);
        assertThat(after.sum("cleave_calls_in_flight")).as("nothing left in flight").isZero();
    }

    @TopologyTest
    void countsTimeoutsAndOpenBreakersApart(Back back, Flaky flaky, App app, TestTopology topology) throws Exception {
        List<String> urls = endpoints(app, topology);
        Scrape before = Scrape.of(urls);
        String failed = topology.name().equals("single") ? "failure" : "remote_failure";

        assertThatThrownBy(() -> back.sleep(30_000)).as("[resilience.Back.sleep] timeout = 200ms")
                .isInstanceOf(ComponentUnavailableException.class);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(flaky::fail).isNotInstanceOf(CircuitOpenException.class);
        }
        assertThatThrownBy(flaky::fail).as("the breaker opened after two failures").isInstanceOf(CircuitOpenException.class);

        Scrape after = Scrape.of(urls);
        assertThat(delta(before, after, "Back", "sleep", "timeout")).isEqualTo(1);
        assertThat(delta(before, after, "Flaky", "fail", failed)).isEqualTo(2);
        assertThat(delta(before, after, "Flaky", "fail", "breaker_open")).isEqualTo(1);
    }

    @TopologyTest
    void countsTheBytesEachEdgePutsOnTheWire(Back back, App app, TestTopology topology) throws Exception {
        List<String> urls = endpoints(app, topology);
        Scrape before = Scrape.of(urls);
        String text = "x".repeat(2_000);

        for (int i = 0; i < 3; i++) {
            assertThat(back.echo(text)).isEqualTo(text);
        }

        Scrape after = Scrape.of(urls);
        double sent = after.sum("cleave_calls_bytes_total", "component", "Back", "method", "echo", "direction", "sent")
                - before.sum("cleave_calls_bytes_total", "component", "Back", "method", "echo", "direction", "sent");
        double received = after.sum("cleave_calls_bytes_total", "component", "Back", "method", "echo", "direction", "received")
                - before.sum("cleave_calls_bytes_total", "component", "Back", "method", "echo", "direction", "received");
        if (topology.name().equals("multi")) {
            // three 2,000-character arguments out, three 2,000-character answers back, plus frame headers
            assertThat(sent).as("bytes sent").isBetween(6_000.0, 7_500.0);
            assertThat(received).as("bytes received").isBetween(6_000.0, 7_500.0);
        } else {
            assertThat(sent + received).as("calls that stay in their process put nothing on the wire").isZero();
        }
    }

    @TopologyTest
    void servesTheJvmsMeters(App app, TestTopology topology) throws Exception {
        Scrape scrape = Scrape.of(endpoints(app, topology));

        assertThat(scrape.has("jvm_memory_used_bytes")).as("heap").isTrue();
        assertThat(scrape.has("jvm_gc_pause_seconds_count") || scrape.has("jvm_gc_memory_allocated_bytes_total"))
                .as("GC").isTrue();
        assertThat(scrape.has("jvm_threads_live_threads")).as("threads").isTrue();
        assertThat(scrape.has("process_cpu_usage")).as("CPU").isTrue();
        assertThat(scrape.sum("jvm_threads_live_threads", "application", "observed")).isPositive();
    }

    @TopologyTest
    void aCallAndTheCallsItMakesAreOneTraceNestedAcrossProcesses(Front front, App app, TestTopology topology)
            throws Exception {
        List<String> urls = endpoints(app, topology, "traces");

        front.run(2, 1, 0);

        List<Traces.Span> spans = Traces.of(urls);
        Traces.Span run = spans.stream().filter(s -> s.name().equals("Front.run")).reduce((a, b) -> b).orElseThrow();
        List<Traces.Span> trace = spans.stream().filter(s -> s.traceId().equals(run.traceId())).toList();
        assertThat(run.parentSpanId()).as("the test's call starts the trace").isEmpty();
        assertThat(trace).extracting(Traces.Span::name)
                .containsExactlyInAnyOrder("Front.run", "Back.echo", "Back.echo", "Back.refuse");
        for (Traces.Span child : trace) {
            if (child != run) {
                assertThat(child.parentSpanId()).as(child.name() + "'s parent").isEqualTo(run.spanId());
                assertThat(child.startNanos()).isBetween(run.startNanos(), run.endNanos());
                assertThat(child.endNanos()).isLessThanOrEqualTo(run.endNanos());
            }
        }
        Traces.Span refused = trace.stream().filter(s -> s.name().equals("Back.refuse")).findFirst().orElseThrow();
        assertThat(refused.attributes()).containsEntry("cleave.outcome", "declared").containsEntry("cleave.component", "Back")
                .containsEntry("cleave.method", "refuse");
        assertThat(run.kind()).isEqualTo(topology.name().equals("single") ? "INTERNAL" : "CLIENT");
        for (Traces.Span child : trace) {
            if (child != run) {
                assertThat(child.process().equals(run.process())).as(child.name() + " in the process of Front.run's caller")
                        .isEqualTo(!topology.name().equals("multi"));
            }
        }
    }

    private static double delta(Scrape before, Scrape after, String component, String method, String outcome) {
        return after.sum(CALLS, "component", component, "method", method, "outcome", outcome)
                - before.sum(CALLS, "component", component, "method", method, "outcome", outcome);
    }
}
