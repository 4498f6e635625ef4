package io.cleave.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spans this process ended most recently, at most a configured number: what the admin
 * endpoint's {@code /traces} serves when no collector is configured (and beside one when it is).
 */
final class RecentSpans implements SpanExporter {

    private final int capacity;
    private final ArrayDeque<SpanData> spans = new ArrayDeque<>();

    RecentSpans(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> ended) {
        synchronized (spans) {
            for (SpanData s : ended) {
                if (spans.size() == capacity) {
                    spans.removeFirst();
                }
                spans.addLast(s);
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    /**
     * The kept spans, oldest first, as plain values for JSON.
     *
     * @param traceId only this trace's, or every kept span when empty
     * @return one map per span
     */
    List<Map<String, Object>> snapshot(String traceId) {
        List<SpanData> copy;
        synchronized (spans) {
            copy = new ArrayList<>(spans);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (SpanData s : copy) {
            if (!traceId.isEmpty() && !s.getTraceId().equals(traceId)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("traceId", s.getTraceId());
            m.put("spanId", s.getSpanId());
            m.put("parentSpanId", s.getParentSpanContext().isValid() ? s.getParentSpanId() : "");
            m.put("name", s.getName());
            m.put("kind", s.getKind().name());
            m.put("service", s.getResource().getAttribute(AttributeKey.stringKey("service.name")));
            m.put("process", s.getResource().getAttribute(AttributeKey.stringKey("cleave.process")));
            m.put("startNanos", s.getStartEpochNanos());
            m.put("endNanos", s.getEndEpochNanos());
            m.put("status", s.getStatus().getStatusCode().name());
            Map<String, Object> attributes = new LinkedHashMap<>();
            s.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), v));
            m.put("attributes", attributes);
            out.add(m);
        }
        return out;
    }

    /**
     * This process's part of its recent traces, for the dashboard to merge across processes: per
     * trace its local root (the earliest span whose parent is not here), whether that is the
     * trace's root, its start and end, how many spans are here and whether one failed. The 20
     * slowest, and the 10 latest with a failed span.
     *
     * @return one map per trace: traceId, name, root, startNanos, endNanos, spans, failed
     */
    List<Map<String, Object>> summaries() {
        List<SpanData> copy;
        synchronized (spans) {
            copy = new ArrayList<>(spans);
        }
        Map<String, List<SpanData>> byTrace = new LinkedHashMap<>();
        for (SpanData s : copy) {
            byTrace.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map.Entry<String, List<SpanData>> e : byTrace.entrySet()) {
            java.util.Set<String> here = new java.util.HashSet<>();
            e.getValue().forEach(s -> here.add(s.getSpanId()));
            SpanData root = null;
            boolean failed = false;
            for (SpanData s : e.getValue()) {
                failed |= s.getStatus().getStatusCode() == io.opentelemetry.api.trace.StatusCode.ERROR;
                boolean local = !s.getParentSpanContext().isValid() || !here.contains(s.getParentSpanId());
                if (local && (root == null || s.getStartEpochNanos() < root.getStartEpochNanos())) {
                    root = s;
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("traceId", e.getKey());
            m.put("name", root.getName());
            m.put("root", !root.getParentSpanContext().isValid());
            m.put("startNanos", root.getStartEpochNanos());
            m.put("endNanos", root.getEndEpochNanos());
            m.put("spans", e.getValue().size());
            m.put("failed", failed);
            all.add(m);
        }
        java.util.Comparator<Map<String, Object>> slowest = java.util.Comparator.comparingLong(
                (Map<String, Object> m) -> (long) m.get("endNanos") - (long) m.get("startNanos")).reversed();
        List<Map<String, Object>> out = new ArrayList<>(all.stream().sorted(slowest).limit(20).toList());
        List<Map<String, Object>> failed = all.stream().filter(m -> (boolean) m.get("failed") && !out.contains(m)).toList();
        out.addAll(failed.subList(Math.max(0, failed.size() - 10), failed.size()));
        return out;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
