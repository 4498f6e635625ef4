package io.cleave.observe;

import io.cleave.CallContext;
import io.cleave.spi.RequestTracing;
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
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /**
     * The tracing of each running application in this JVM, by the scope of its request spans
     * ({@link RequestTracing#scope}): two applications of one name (a test's topologies) each get their own.
     */
    private static final Map<String, Tracing> BY_SCOPE = new ConcurrentHashMap<>();
    private static final AtomicBoolean GLOBAL = new AtomicBoolean();

    /** Per thread: its untraced calls being made, and a decision made for the call about to go to the invoker. */
    private static final ThreadLocal<CallerState> CALLER = ThreadLocal.withInitial(CallerState::new);

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final RecentSpans recent;
    private final double ratio;

    private final String scope;

    private Tracing(String scope, SdkTracerProvider provider, RecentSpans recent, double ratio) {
        this.scope = scope;
        this.provider = provider;
        this.tracer = provider.get("io.cleave.observe");
        this.recent = recent;
        this.ratio = ratio;
    }

    static Tracing start(String application, java.nio.file.Path dataDirectory, ObserveSettings settings) {
        RecentSpans recent = new RecentSpans(settings.recentSpans());
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), application,
                AttributeKey.stringKey("cleave.process"), processName())));
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder().setResource(resource)
                .setSampler(new Decided(settings.sampleRatio()))
                .addSpanProcessor(SimpleSpanProcessor.create(recent));
        settings.otlpEndpoint().ifPresent(url -> builder.addSpanProcessor(BatchSpanProcessor.builder(
                OtlpHttpSpanExporter.builder().setEndpoint(url).build()).build()));
        Tracing tracing = new Tracing(RequestTracing.scope(application, dataDirectory), builder.build(), recent,
                settings.sampleRatio());
        BY_SCOPE.put(tracing.scope, tracing);
        registerGlobally();
        return tracing;
    }

    /**
     * Makes this JVM's {@link GlobalOpenTelemetry} hand each application's tracer to the
     * instrumentation scope of its request spans ({@link RequestTracing#scope}, cleave-web's), and
     * a no-op tracer to any other.
     */
    private static void registerGlobally() {
        if (!GLOBAL.compareAndSet(false, true)) {
            return;
        }
        TracerProvider router = new TracerProvider() {
            @Override
            public Tracer get(String scope) {
                Tracing t = BY_SCOPE.get(scope);
                return t == null ? TracerProvider.noop().get(scope) : t.tracer;
            }

            @Override
            public Tracer get(String scope, String version) {
                return get(scope);
            }
        };
        ContextPropagators propagators = ContextPropagators.create(W3CTraceContextPropagator.getInstance());
        try {
            GlobalOpenTelemetry.set(new OpenTelemetry() {
                @Override
                public TracerProvider getTracerProvider() {
                    return router;
                }

                @Override
                public ContextPropagators getPropagators() {
                    return propagators;
                }
            });
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "cleave-observe: another OpenTelemetry is this JVM's global one ("
                    + e.getMessage() + "); HTTP requests get no spans of Cleave's");
        }
    }

    private static final System.Logger LOG = System.getLogger("cleave.observe");

    /**
     * Which spans are recorded: a child as its parent was; an HTTP request without a traced caller
     * with probability {@code trace-sample-ratio}; a component call without a parent always, since
     * {@link #parent()} decided before it was built.
     */
    private record Decided(double ratio) implements Sampler {
        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind kind,
                Attributes attributes, List<LinkData> parentLinks) {
            SpanContext parent = Span.fromContext(parentContext).getSpanContext();
            if (parent.isValid()) {
                return parent.isSampled() ? SamplingResult.recordAndSample() : SamplingResult.drop();
            }
            if (kind == SpanKind.SERVER) {
                boolean traced = ratio >= 1.0 || (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio);
                return traced ? SamplingResult.recordAndSample() : SamplingResult.drop();
            }
            return SamplingResult.recordAndSample();
        }

        @Override
        public String getDescription() {
            return "cleave(parent, else ratio " + ratio + " for requests)";
        }
    }

    /** Which process a span was made in: {@code pid N} (cleave status maps pids to groups and replicas). */
    private static String processName() {
        return "pid " + ProcessHandle.current().pid();
    }

    Tracer tracer() {
        return tracer;
    }

    RecentSpans recent() {
        return recent;
    }

    /**
     * The context a new call's span starts in, or null when the call is not traced. A decision
     * {@link CallerState#decided} holds (a {@link LocalObserver} sent the call on to the invoker) is
     * taken, not made again: a sampled decision stays made.
     *
     * @param caller this thread's {@link #caller()} state
     */
    Context parent(CallerState caller) {
        Context decided = caller.decided;
        if (decided != null) {
            caller.decided = null;
            return decided;
        }
        SpanContext current = Span.current().getSpanContext();
        if (current.isValid()) {
            return current.isSampled() ? Context.current() : null;
        }
        if (caller.untraced > 0) {
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

    /**
     * What this thread's component calls tell the ones they make: how many untraced calls are being
     * made (raised around each, so the calls they make are not traced either), and a tracing decision
     * made for the call about to go through the invoker.
     */
    static final class CallerState {
        int untraced;
        Context decided;
    }

    /** @return this thread's state, one per thread */
    static CallerState caller() {
        return CALLER.get();
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
        BY_SCOPE.remove(scope, this);
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
