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

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
