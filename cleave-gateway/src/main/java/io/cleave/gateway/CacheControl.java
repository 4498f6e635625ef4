package io.cleave.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The directives of a response's {@code Cache-Control} headers that decide whether a shared cache
 * may keep it and for how long (RFC 9111 5.2.2).
 *
 * @param noStore {@code no-store}: never kept
 * @param noCache {@code no-cache} (with or without field names): never served without asking the app, so not kept
 * @param isPrivate {@code private}: for one user, never in a shared cache
 * @param mustRevalidate {@code must-revalidate} or {@code proxy-revalidate}: never served stale
 * @param maxAge {@code s-maxage} if present, else {@code max-age}
 */
record CacheControl(boolean noStore, boolean noCache, boolean isPrivate, boolean mustRevalidate,
        Optional<Duration> maxAge) {

    static final CacheControl NONE = new CacheControl(false, false, false, false, Optional.empty());

    /** Parses every {@code Cache-Control} value of a response; unknown directives are ignored, as RFC 9111 asks. */
    static CacheControl parse(List<String> values) {
        boolean noStore = false;
        boolean noCache = false;
        boolean isPrivate = false;
        boolean mustRevalidate = false;
        Optional<Duration> maxAge = Optional.empty();
        Optional<Duration> sMaxAge = Optional.empty();
        for (String value : values) {
            for (String directive : value.split(",")) {
                String d = directive.strip().toLowerCase(Locale.ROOT);
                int eq = d.indexOf('=');
                String name = eq < 0 ? d : d.substring(0, eq).strip();
                String argument = eq < 0 ? "" : d.substring(eq + 1).strip().replace("\"", "");
                switch (name) {
                    case "no-store" -> noStore = true;
                    case "no-cache" -> noCache = true;
                    case "private" -> isPrivate = true;
                    case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
                    case "max-age" -> maxAge = seconds(argument).or(() -> Optional.of(Duration.ZERO));
                    case "s-maxage" -> sMaxAge = seconds(argument).or(() -> Optional.of(Duration.ZERO));
                    default -> {
                    }
                }
            }
        }
        return new CacheControl(noStore, noCache, isPrivate, mustRevalidate, sMaxAge.isPresent() ? sMaxAge : maxAge);
    }

    /** A delta-seconds argument; a malformed one reads as zero (stale at once), as RFC 9111 4.2.1 advises. */
    private static Optional<Duration> seconds(String argument) {
        if (!argument.matches("\\d{1,10}")) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(argument)));
    }

    /** Whether a shared cache may keep the response at all. */
    boolean storable() {
        return !noStore && !noCache && !isPrivate;
    }

    /** How long the response is fresh under a route: its TTL, or the app's shorter {@code s-maxage}/{@code max-age}. */
    Duration lifetime(Duration routeTtl) {
        return maxAge.filter(d -> d.compareTo(routeTtl) < 0).orElse(routeTtl);
    }
}
