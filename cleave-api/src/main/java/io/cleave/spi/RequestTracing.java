package io.cleave.spi;

import java.nio.file.Path;

/**
 * The contract between an HTTP listener that makes a span per request (cleave-web) and the module
 * that supplies tracers (cleave-observe), which know nothing of each other: the listener asks
 * {@code GlobalOpenTelemetry} for the tracer of instrumentation scope {@link #scope}, and the
 * supplier hands out, for that scope, the tracer of the application it names. The scope names the
 * application by its name and its absolute data directory, so that two applications of one name
 * in one JVM (a test class's topologies) each get their own spans.
 */
public final class RequestTracing {

    private static final String PREFIX = "io.cleave.web/";

    private RequestTracing() {
    }

    /**
     * @param application the application's name
     * @param dataDirectory its data directory ({@code [app] data-dir})
     * @return the instrumentation scope of its request spans
     */
    public static String scope(String application, Path dataDirectory) {
        return PREFIX + application + "@" + dataDirectory.toAbsolutePath().normalize();
    }
}
