package io.cleave.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cleave.runtime.spi.Overview;
import io.cleave.spi.ComponentDescriptor;
import io.cleave.spi.Dependency;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The data of the dashboard of the running topology, as JSON on the admin endpoint under
 * {@code /topology}: groups, replicas and their health from the supervisor's status, each
 * process's call meters (its {@code /calls}), traces gathered across processes by trace id, and
 * the log lines of one trace.
 *
 * <p>In the process that deploys the whole application (the {@code multi} supervisor, which gives
 * an {@link Overview}) every route wants {@code Authorization: Bearer <secret>}, the status port's
 * secret: it shows every process and the consolidated log. Any other process (a {@code single}
 * app, or one child of a supervisor) shows itself alone, as one group, from what its own
 * endpoint already serves without a secret.
 */
final class TopologyDashboard {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(1);
    /** How much of the end of the consolidated log is searched for a trace's lines. */
    private static final long LOG_TAIL_BYTES = 16L << 20;
    private static final int MAX_LOG_LINES = 200;

    private final String application;
    private final Map<String, List<String>> dependencies;
    private final Supplier<Map<String, Object>> localCalls;
    private final RecentSpans spans;
    /**
     * Made when first needed: only the process that knows the others fetches from them, and making
     * one (the JDK's TLS defaults) was a tenth of a child process's start.
     */
    private HttpClient http; // guarded by this
    /** Set once, in the supervisor's process; null in a process that knows only itself. */
    private volatile Overview overview;

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).build();
        }
        return http;
    }

    TopologyDashboard(String application, List<ComponentDescriptor<?>> components, Supplier<Map<String, Object>> localCalls,
            RecentSpans spans) {
        this.application = application;
        Map<String, List<String>> deps = new LinkedHashMap<>();
        Map<Class<?>, String> names = new java.util.HashMap<>();
        components.forEach(c -> names.put(c.type(), c.name()));
        for (ComponentDescriptor<?> c : components) {
            List<String> on = new ArrayList<>();
            for (Dependency d : c.dependencies()) {
                Class<?> type = switch (d) {
                    case Dependency.OnComponent oc -> oc.type();
                    case Dependency.OnRef r -> r.type();
                    default -> null;
                };
                if (type != null && names.containsKey(type)) {
                    on.add(names.get(type));
                }
            }
            deps.put(c.name(), List.copyOf(on));
        }
        this.dependencies = deps;
        this.localCalls = localCalls;
        this.spans = spans;
    }

    void overview(Overview overview) {
        this.overview = overview;
    }

    void register(HttpServer server) {
        server.createContext("/topology", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (!authorized(exchange)) {
                Observation.answer(exchange, 401, "application/json", JSON.writeValueAsString(Map.of("error",
                        "this dashboard shows every process of " + application + " and their logs: it wants the supervisor's"
                                + " secret; open the URL `cleave dashboard` prints")));
                return;
            }
            String body = switch (path) {
                case "/topology" -> JSON.writeValueAsString(topology());
                case "/topology/traces" -> JSON.writeValueAsString(Map.of("traces", traces()));
                case "/topology/trace" -> JSON.writeValueAsString(Map.of("spans", trace(Observation.query(exchange, "id"))));
                case "/topology/logs" -> JSON.writeValueAsString(Map.of("lines", logs(Observation.query(exchange, "trace"))));
                default -> null;
            };
            if (body == null) {
                Observation.answer(exchange, 404, "application/json", "{\"error\":\"no such route: " + path.replace("\"", "") + "\"}");
            } else {
                Observation.answer(exchange, 200, "application/json", body);
            }
        });
    }

    private boolean authorized(HttpExchange exchange) {
        Overview o = overview;
        if (o == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Bearer " + o.secret();
        return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    /** One process the dashboard reads: where its admin endpoint is, and what to call it. */
    private record Process(String group, int replica, String base) {
        String label() {
            return group + "/" + replica;
        }
    }

    /**
     * The topology now: {@code application}, {@code mode} ({@code multi}, or {@code process} for a
     * process alone), {@code state}, {@code dependencies} (each component's, from the component
     * graph), {@code groups} (each with its {@code replicas}: index, state, health, pid, restarts,
     * {@code meters}, this process's {@code /calls}), and the supervisor's own {@code meters}.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> topology() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("application", application);
        out.put("dependencies", dependencies);
        Overview o = overview;
        if (o == null) {
            Map<String, Object> replica = new LinkedHashMap<>();
            replica.put("index", 0);
            replica.put("state", "running");
            replica.put("health", "HEALTHY");
            replica.put("pid", ProcessHandle.current().pid());
            replica.put("restarts", 0);
            ProcessHandle.current().info().startInstant().ifPresent(at -> replica.put("since", at.toString()));
            replica.put("meters", localCalls.get());
            out.put("mode", "process");
            out.put("state", "running");
            out.put("groups", List.of(Map.of("name", application, "components", List.copyOf(dependencies.keySet()),
                    "replicas", List.of(replica))));
            return out;
        }
        Map<String, Object> status = o.status().get();
        out.put("mode", "multi");
        out.put("state", status.get("state"));
        out.put("supervisorPid", status.get("supervisorPid"));
        List<Map<String, Object>> groups = new ArrayList<>();
        List<Map<String, Object>> replicas = new ArrayList<>();
        List<CompletableFuture<Object>> fetches = new ArrayList<>();
        for (Object g : (List<Object>) status.get("groups")) {
            Map<String, Object> group = new LinkedHashMap<>((Map<String, Object>) g);
            List<Object> rs = new ArrayList<>();
            for (Object r : (List<Object>) group.get("replicas")) {
                Map<String, Object> replica = new LinkedHashMap<>((Map<String, Object>) r);
                rs.add(replica);
                replicas.add(replica);
                fetches.add(base((Map<String, Object>) replica.get("endpoints"))
                        .map(base -> fetch(base + "/calls")).orElse(CompletableFuture.completedFuture(null)));
            }
            group.put("replicas", rs);
            groups.add(group);
        }
        for (int i = 0; i < replicas.size(); i++) {
            Object meters = fetches.get(i).join();
            if (meters != null) {
                replicas.get(i).put("meters", meters);
            }
        }
        out.put("groups", groups);
        out.put("supervisor", Map.of("meters", localCalls.get()));
        return out;
    }

    /** Every process with an admin endpoint; in a process alone, itself. */
    @SuppressWarnings("unchecked")
    private List<Process> processes() {
        List<Process> all = new ArrayList<>();
        Overview o = overview;
        if (o == null) {
            return all;
        }
        Map<String, Object> status = o.status().get();
        for (Object g : (List<Object>) status.get("groups")) {
            Map<String, Object> group = (Map<String, Object>) g;
            for (Object r : (List<Object>) group.get("replicas")) {
                Map<String, Object> replica = (Map<String, Object>) r;
                base((Map<String, Object>) replica.get("endpoints")).ifPresent(base -> all.add(new Process(
                        (String) group.get("name"), ((Number) replica.get("index")).intValue(), base)));
            }
        }
        return all;
    }

    /** An admin endpoint's root, from its metrics URL. */
    private static java.util.Optional<String> base(Map<String, Object> endpoints) {
        if (endpoints == null || !(endpoints.get("metrics") instanceof String metrics) || !metrics.endsWith("/metrics")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(metrics.substring(0, metrics.length() - "/metrics".length()));
    }

    /** A JSON document from another process's admin endpoint, or null when it does not answer in time. */
    private CompletableFuture<Object> fetch(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(FETCH_TIMEOUT).build();
        return http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(reply -> {
            try {
                return reply.statusCode() == 200 ? JSON.readValue(reply.body(), Object.class) : null;
            } catch (IOException e) {
                return null;
            }
        }).exceptionally(e -> null);
    }

    /**
     * The slowest and the failed recent traces, gathered across processes: each process's own
     * summaries ({@link RecentSpans#summaries}) merged by trace id, the root's name and duration
     * taken from the process where the trace began.
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> traces() {
        List<List<Map<String, Object>>> lists = new ArrayList<>();
        lists.add(spans.summaries());
        List<Process> processes = processes();
        List<CompletableFuture<Object>> fetches = processes.stream().map(p -> fetch(p.base() + "/traces?summary=1")).toList();
        for (CompletableFuture<Object> f : fetches) {
            if (f.join() instanceof Map<?, ?> m && m.get("traces") instanceof List<?> l) {
                lists.add((List<Map<String, Object>>) l);
            }
        }
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        for (List<Map<String, Object>> list : lists) {
            for (Map<String, Object> t : list) {
                merged.merge((String) t.get("traceId"), new LinkedHashMap<>(t), (a, b) -> {
                    boolean bRoot = Boolean.TRUE.equals(b.get("root")) && !Boolean.TRUE.equals(a.get("root"));
                    Map<String, Object> m = new LinkedHashMap<>(bRoot ? b : a);
                    m.put("spans", ((Number) a.get("spans")).intValue() + ((Number) b.get("spans")).intValue());
                    m.put("failed", Boolean.TRUE.equals(a.get("failed")) || Boolean.TRUE.equals(b.get("failed")));
                    return m;
                });
            }
        }
        List<Map<String, Object>> all = new ArrayList<>(merged.values());
        all.sort(Comparator.comparingLong((Map<String, Object> t) -> duration(t)).reversed());
        List<Map<String, Object>> shown = new ArrayList<>(all.subList(0, Math.min(10, all.size())));
        all.stream().filter(t -> Boolean.TRUE.equals(t.get("failed")) && !shown.contains(t))
                .sorted(Comparator.comparingLong((Map<String, Object> t) -> ((Number) t.get("endNanos")).longValue()).reversed())
                .limit(5).forEach(shown::add);
        return shown;
    }

    private static long duration(Map<String, Object> t) {
        return ((Number) t.get("endNanos")).longValue() - ((Number) t.get("startNanos")).longValue();
    }

    /** Every span of one trace, from every process, each with the {@code where} (group/replica) it was made. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> trace(String traceId) {
        if (!traceId.matches("[0-9a-f]{32}")) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> s : spans.snapshot(traceId)) {
            Map<String, Object> m = new LinkedHashMap<>(s);
            m.put("where", overview == null ? "this process" : "supervisor");
            out.add(m);
        }
        List<Process> processes = processes();
        List<CompletableFuture<Object>> fetches = processes.stream().map(p -> fetch(p.base() + "/traces?trace=" + traceId)).toList();
        for (int i = 0; i < processes.size(); i++) {
            if (fetches.get(i).join() instanceof Map<?, ?> m && m.get("spans") instanceof List<?> l) {
                for (Object s : l) {
                    Map<String, Object> span = new LinkedHashMap<>((Map<String, Object>) s);
                    span.put("where", processes.get(i).label());
                    out.add(span);
                }
            }
        }
        out.sort(Comparator.comparingLong(s -> ((Number) s.get("startNanos")).longValue()));
        return out;
    }

    /**
     * The log lines of one trace (those ending {@code [trace=<id> ...]}): from the end of the
     * consolidated log in the supervisor's process, else from this process's recent lines.
     */
    List<String> logs(String traceId) {
        if (!traceId.matches("[0-9a-f]{32}")) {
            return List.of();
        }
        Overview o = overview;
        if (o == null) {
            return TraceLogFormatter.recent(traceId);
        }
        String needle = "trace=" + traceId;
        List<String> lines = new ArrayList<>();
        try (RandomAccessFile file = new RandomAccessFile(o.log().toFile(), "r")) {
            long from = Math.max(0, file.length() - LOG_TAIL_BYTES);
            file.seek(from);
            byte[] tail = new byte[(int) (file.length() - from)];
            file.readFully(tail);
            for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(needle)) {
                    lines.add(line);
                    if (lines.size() > MAX_LOG_LINES) {
                        lines.remove(0);
                    }
                }
            }
        } catch (IOException e) {
            lines.add("cannot read " + o.log() + ": " + e.getMessage());
        }
        return lines;
    }
}
