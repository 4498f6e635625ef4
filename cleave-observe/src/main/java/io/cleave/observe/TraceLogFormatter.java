package io.cleave.observe;

import io.cleave.CallContext;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Adds the trace and span a log line was written in to the line, as {@code [trace=<32 hex>
 * span=<16 hex>]} before its end, around whatever formatter a {@code java.util.logging} handler
 * had (the one-line format of {@code multi}'s children, say). A line written outside any traced
 * call is left as it was.
 */
final class TraceLogFormatter extends Formatter {

    /** The last lines written inside a trace in this process, for the dashboard of a process alone. */
    private static final java.util.ArrayDeque<String> RECENT = new java.util.ArrayDeque<>();
    private static final int KEEP = 2_000;

    private final Formatter delegate;

    private TraceLogFormatter(Formatter delegate) {
        this.delegate = delegate;
    }

    /** Wraps the formatter of every handler of the root logger, once. */
    static void install() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            Formatter f = h.getFormatter();
            if (f != null && !(f instanceof TraceLogFormatter)) {
                h.setFormatter(new TraceLogFormatter(f));
            }
        }
    }

    @Override
    public String format(LogRecord record) {
        String line = delegate.format(record);
        Optional<String> ids = ids();
        if (ids.isEmpty()) {
            return line;
        }
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        String tagged = line.substring(0, end) + " " + ids.get();
        synchronized (RECENT) {
            if (RECENT.size() == KEEP) {
                RECENT.removeFirst();
            }
            RECENT.addLast(tagged);
        }
        return tagged + line.substring(end);
    }

    /**
     * The lines this process wrote inside one trace, among its last {@value #KEEP} traced ones.
     *
     * @param traceId 32 hex digits
     * @return the lines, oldest first
     */
    static java.util.List<String> recent(String traceId) {
        String needle = "[trace=" + traceId + " ";
        synchronized (RECENT) {
            return RECENT.stream().filter(l -> l.contains(needle)).toList();
        }
    }

    /** The current span's ids; else those a call arriving from another process carried. */
    private static Optional<String> ids() {
        SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
        if (!span.isValid()) {
            span = CallContext.current().traceId().map(Tracing::fromTraceparent).orElse(null);
        }
        return span == null ? Optional.empty()
                : Optional.of("[trace=" + span.getTraceId() + " span=" + span.getSpanId() + "]");
    }

    @Override
    public String getHead(Handler h) {
        return delegate.getHead(h);
    }

    @Override
    public String getTail(Handler h) {
        return delegate.getTail(h);
    }
}
