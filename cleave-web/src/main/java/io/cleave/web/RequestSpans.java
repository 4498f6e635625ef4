package io.cleave.web;

import io.cleave.CallContext;
import io.cleave.spi.RequestTracing;
import io.helidon.http.HeaderNames;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A span per HTTP request, a child of the caller's span when the request carries a W3C
 * {@code traceparent}, through the OpenTelemetry API only: the application's tracer is
 * {@code GlobalOpenTelemetry}'s of scope {@link RequestTracing#scope}, which cleave-observe supplies;
 * without it spans are no-ops and cost nothing. The component calls a handler makes are children
 * of the request's span.
 */
final class RequestSpans {

    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> LISTENER = AttributeKey.stringKey("cleave.listener");

    /** Reads a request's headers for the propagator. */
    private static final TextMapGetter<ServerRequest> HEADERS = new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // required by the interface; the W3C propagator does not call it
        public Iterable<String> keys(ServerRequest carrier) {
            java.util.List<String> names = new java.util.ArrayList<>();
            carrier.headers().forEach(h -> names.add(h.name()));
            return names;
        }

        @Override
        public String get(ServerRequest carrier, String key) {
            return carrier == null ? null : carrier.headers().first(HeaderNames.create(key)).orElse(null);
        }
    };

    private final String scope;
    private final String listener;

    RequestSpans(String application, java.nio.file.Path dataDirectory, String listener) {
        this.scope = RequestTracing.scope(application, dataDirectory);
        this.listener = listener;
    }

    void around(ServerRequest req, ServerResponse res, Handler serve) throws Exception {
        Tracer tracer = GlobalOpenTelemetry.getTracer(scope);
        String method = req.prologue().method().text();
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req, HEADERS);
        Span span = tracer.spanBuilder(method + " " + req.prologue().uriPath().rawPath()).setParent(parent)
                .setSpanKind(SpanKind.SERVER).setAttribute(METHOD, method)
                .setAttribute(PATH, req.prologue().uriPath().rawPath()).setAttribute(LISTENER, listener).startSpan();
        if (!span.getSpanContext().isValid()) {
            serve.handle(req, res); // no tracer in this process
            return;
        }
        SpanContext own = span.getSpanContext();
        AtomicBoolean ended = new AtomicBoolean();
        // ended just before the response's first byte: a client holding its answer finds the trace complete
        res.beforeSend(() -> end(span, ended, res.status().code()));
        Scope current = span.makeCurrent();
        try {
            String traceparent = "00-" + own.getTraceId() + "-" + own.getSpanId() + "-" + own.getTraceFlags().asHex();
            CallContext.withTraceId(traceparent, () -> {
                serve.handle(req, res);
                return null;
            });
        } catch (Exception | Error e) {
            end(span, ended, 500); // Helidon's error handling answers after this
            throw e;
        } finally {
            current.close();
            end(span, ended, res.status().code()); // nothing was sent (the connection closed)
        }
    }

    private static void end(Span span, AtomicBoolean ended, int status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
