package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cleave.App;
import io.cleave.deploy.MultiTestTopology;
import io.cleave.deploy.StatusReport;
import io.cleave.deploy.SupervisorHandle;
import io.cleave.shop.storefront.Storefront;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestTopology;
import io.cleave.test.TopologyTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A checkout over HTTP is one trace in every topology: the request's span at the storefront, the
 * storefront's call to Checkout under it, and Checkout's calls to Payments under that — across
 * processes in multi — read from every process's {@code /traces} (cleave-observe).
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.OneReplicaEach.class, set = "observe.trace-sample-ratio=1")
class CheckoutTraceTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One span as /traces serves it. */
    private record Span(String traceId, String spanId, String parentSpanId, String name, String kind, String process) {
    }

    @TopologyTest
    void aCheckoutIsOneTraceNestedAcrossProcesses(Storefront storefront, App app, TestTopology topology) throws Exception {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("traced-" + UUID.randomUUID() + "@example.com");
        JsonNode product = shop.findInStock("oak", 1);
        shop.addToCart(token, product.get("id").asText(), 1);

        // the spans of the requests before this one (each process keeps its latest spans only, so a count could stand still)
        Set<String> before = orderRequests(spans(app, topology)).map(Span::spanId).collect(Collectors.toSet());
        ShopClient.Reply placed = shop.placeOrder(token, UUID.randomUUID().toString(), "4242 4242 4242 4242");

        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        // The request's span ends before its answer is sent; in multi a callee's span in another process ends
        // after its reply is, so the trace may be complete just after the client has its answer.
        AtomicReference<List<Span>> read = new AtomicReference<>();
        Await.until(Duration.ofSeconds(10), "a new span named POST /api/orders with a Payments span in its trace", () -> {
            try {
                read.set(spans(app, topology));
            } catch (Exception e) {
                throw new AssertionError("cannot read /traces", e);
            }
            return newRequestThatReachedPayments(read.get(), before).isPresent();
        }, () -> read.get().size() + " spans kept, new requests " + orderRequests(read.get())
                .filter(r -> !before.contains(r.spanId())).map(r -> r.traceId() + ": " + read.get().stream()
                        .filter(x -> x.traceId().equals(r.traceId())).map(Span::name).toList()).toList());
        List<Span> spans = read.get();
        Span request = newRequestThatReachedPayments(spans, before).orElseThrow();
        Map<String, Span> trace = new HashMap<>();
        spans.stream().filter(s -> s.traceId().equals(request.traceId())).forEach(s -> trace.put(s.spanId(), s));
        assertThat(request.kind()).isEqualTo("SERVER");
        assertThat(request.parentSpanId()).as("the request starts the trace").isEmpty();
        for (Span s : trace.values()) {
            if (s != request) {
                assertThat(trace).as(s.name() + "'s parent is in the trace").containsKey(s.parentSpanId());
            }
        }
        Span checkout = trace.values().stream().filter(s -> s.name().startsWith("Checkout."))
                .filter(s -> s.parentSpanId().equals(request.spanId())).findFirst().orElseThrow();
        Span payment = trace.values().stream().filter(s -> s.name().startsWith("Payments.")).findFirst().orElseThrow();
        assertThat(ancestors(payment, trace)).as("Payments is called under the storefront's call to Checkout")
                .contains(checkout.spanId(), request.spanId());
        if (topology.name().equals("multi")) {
            assertThat(List.of(request.process(), payment.process())).as("storefront's and checkout's processes")
                    .doesNotHaveDuplicates();
        }
    }

    private static List<String> ancestors(Span span, Map<String, Span> trace) {
        List<String> up = new ArrayList<>();
        Span at = span;
        for (int i = 0; i < 50 && !at.parentSpanId().isEmpty() && trace.containsKey(at.parentSpanId()); i++) {
            up.add(at.parentSpanId());
            at = trace.get(at.parentSpanId());
        }
        return up;
    }

    /** The request span not among {@code before} whose trace reached Payments. */
    private static Optional<Span> newRequestThatReachedPayments(List<Span> spans, Set<String> before) {
        return orderRequests(spans).filter(r -> !before.contains(r.spanId()))
                .filter(r -> spans.stream().anyMatch(s -> s.traceId().equals(r.traceId()) && s.name().startsWith("Payments.")))
                .findFirst();
    }

    private static Stream<Span> orderRequests(List<Span> spans) {
        return spans.stream().filter(s -> s.name().equals("POST /api/orders"));
    }

    /** Every process's recent spans: this one's, and in multi every replica's from the status report. */
    private static List<Span> spans(App app, TestTopology topology) throws Exception {
        List<String> urls = new ArrayList<>(List.of(app.endpoints().get("traces")));
        if (topology.name().equals("multi")) {
            StatusReport status = SupervisorHandle.find(MultiTestTopology.stateDirectory(app), Optional.of(app.name())).status();
            status.groups().forEach(g -> g.replicas().forEach(r -> urls.add(r.endpoints().get("traces"))));
        }
        List<Span> spans = new ArrayList<>();
        for (String url : urls) {
            HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).as(url).isEqualTo(200);
            for (JsonNode s : JSON.readTree(reply.body()).get("spans")) {
                spans.add(new Span(s.get("traceId").asText(), s.get("spanId").asText(), s.get("parentSpanId").asText(),
                        s.get("name").asText(), s.get("kind").asText(), s.get("process").asText()));
            }
        }
        return spans;
    }
}
