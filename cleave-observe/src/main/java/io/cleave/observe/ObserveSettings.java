package io.cleave.observe;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.util.Set;

/**
 * {@code [observe]}, checked.
 *
 * <pre>{@code
 * [observe]
 * enabled = true       # false: no meters, no admin endpoint; a local caller gets the instance itself
 * admin-port = 0       # the admin endpoint's port on 127.0.0.1; 0 picks a free one in every process
 * trace-sample-ratio = 0.1   # share of calls made outside any trace that start one
 * recent-spans = 10000       # spans each process keeps for /traces
 * otlp-endpoint = "http://127.0.0.1:4318/v1/traces"   # also export spans there (OTLP over HTTP)
 * }</pre>
 *
 * @param enabled whether calls are measured and the admin endpoint served
 * @param adminPort the admin endpoint's port, 0 for any free one
 * @param origin where the port was set, for messages
 * @param sampleRatio the share of calls outside any trace that start one, 0 to 1
 * @param recentSpans how many ended spans the process keeps
 * @param otlpEndpoint where to export spans, if anywhere
 */
record ObserveSettings(boolean enabled, int adminPort, String origin, double sampleRatio, int recentSpans,
        java.util.Optional<String> otlpEndpoint) {

    static final String SECTION = "observe";
    static final Set<String> KEYS = Set.of("enabled", "admin-port", "trace-sample-ratio", "recent-spans", "otlp-endpoint");

    /** @throws ConfigError naming file, line and key */
    static ObserveSettings read(ConfigSection section) {
        section.rejectUnknown(KEYS);
        boolean enabled = !section.has("enabled") || section.bool("enabled");
        int port = section.has("admin-port") ? section.int32("admin-port") : 0;
        if (port < 0 || port > 65_535) {
            throw new ConfigError("[" + section.path() + "] admin-port = " + port + ": a port is 0 (any free one) to 65535");
        }
        double ratio = section.has("trace-sample-ratio") ? section.float64("trace-sample-ratio") : 0.1;
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new ConfigError("[" + section.path() + "] trace-sample-ratio = " + ratio + ": a share of calls, 0 to 1");
        }
        int recent = section.has("recent-spans") ? section.int32("recent-spans") : 10_000;
        if (recent < 1 || recent > 1_000_000) {
            throw new ConfigError("[" + section.path() + "] recent-spans = " + recent + ": 1 to 1000000 spans");
        }
        java.util.Optional<String> otlp = java.util.Optional.empty();
        if (section.has("otlp-endpoint")) {
            String url = section.string("otlp-endpoint");
            try {
                java.net.URI uri = new java.net.URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new java.net.URISyntaxException(url, "not an http or https URL with a host");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigError("[" + section.path() + "] otlp-endpoint = \"" + url + "\": " + e.getMessage()
                        + "; an OTLP/HTTP traces URL, such as \"http://127.0.0.1:4318/v1/traces\"");
            }
            otlp = java.util.Optional.of(url);
        }
        return new ObserveSettings(enabled, port, "[" + section.path() + "] admin-port = " + port, ratio, recent, otlp);
    }
}
