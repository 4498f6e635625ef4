package io.cleave.observe;

import io.cleave.CallContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The spans of one application in one process: an OpenTelemetry SDK tracer whose spans go to
 * {@link RecentSpans} and, when configured, to an OTLP collector. Decides which calls are traced:
 * a call inside a traced one always is; one arriving from another process is when its caller
 * traced it (the W3C {@code traceparent} in {@link CallContext#traceId()}, which the transport
 * carries); any other is a new trace with probability {@code trace-sample-ratio}. A call that is
 * not traced costs no span and no allocation.
 */
final class Tracing {

    static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("cleave.component");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("cleave.method");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("cleave.outcome");
    static final AttributeKey<Boolean> ENCODED = AttributeKey.booleanKey("cleave.encoded");

    /** Calls being made on this thread that were not traced: calls they make are not traced either. */
    private static final ThreadLocal<int[]> UNTRACED = ThreadLocal.withInitial(() -> new int[1]);

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final RecentSpans recent;
    private final double ratio;

    private Tracing(SdkTracerProvider provider, RecentSpans recent, double ratio) {
        this.provider = provider;
        this.tracer = provider.get("io.cleave.observe");
        this.recent = recent;
        this.ratio = ratio;
    }

    static Tracing start(String application, ObserveSettings settings) {
        RecentSpans recent = new RecentSpans(settings.recentSpans());
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), application,
                AttributeKey.stringKey("cleave.process"), processName())));
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder().setResource(resource)
                .setSampler(Sampler.alwaysOn()) // the decision is taken before a span is built, in parent()
                .addSpanProcessor(SimpleSpanProcessor.create(recent));
        settings.otlpEndpoint().ifPresent(url -> builder.addSpanProcessor(BatchSpanProcessor.builder(
                OtlpHttpSpanExporter.builder().setEndpoint(url).build()).build()));
        return new Tracing(builder.build(), recent, settings.sampleRatio());
    }

    /** The group and replica a multi child hosts, or {@code pid N} elsewhere. */
    private static String processName() {
        String group = System.getProperty("cleave.group", "");
        return group.isEmpty() ? "pid " + ProcessHandle.current().pid() : group;
    }

    Tracer tracer() {
        return tracer;
    }

    RecentSpans recent() {
        return recent;
    }

    /**
     * The context a new call's span starts in, or null when the call is not traced.
     */
    Context parent() {
        SpanContext current = Span.current().getSpanContext();
        if (current.isValid()) {
            return current.isSampled() ? Context.current() : null;
        }
        if (UNTRACED.get()[0] > 0) {
            return null;
        }
        Optional<String> carried = CallContext.current().traceId();
        if (carried.isPresent()) {
            // from another process, or encoded in this one: traced only if its caller traced it
            SpanContext remote = fromTraceparent(carried.get());
            return remote == null ? null : Context.root().with(Span.wrap(remote));
        }
        return ratio >= 1.0 || (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio) ? Context.root() : null;
    }

    /** Marks that an untraced call is being made on this thread (until {@link #untracedEnded}). */
    static void untracedStarted() {
        UNTRACED.get()[0]++;
    }

    static void untracedEnded() {
        UNTRACED.get()[0]--;
    }

    /** {@code 00-<trace id>-<span id>-01}. */
    static String traceparent(SpanContext span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** A sampled W3C traceparent as a remote parent; null for anything else. */
    static SpanContext fromTraceparent(String value) {
        if (value.length() != 55 || !value.startsWith("00-") || value.charAt(35) != '-' || value.charAt(52) != '-') {
            return null;
        }
        SpanContext parsed = SpanContext.createFromRemoteParent(value.substring(3, 35), value.substring(36, 52),
                TraceFlags.fromHex(value, 53), TraceState.getDefault());
        return parsed.isValid() && parsed.isSampled() ? parsed : null;
    }

    void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
