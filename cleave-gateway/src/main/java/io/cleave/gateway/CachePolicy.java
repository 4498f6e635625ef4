package io.cleave.gateway;

import io.cleave.gateway.CacheSettings.Route;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the edge cache may keep and for how long, how it tags what it keeps, and how requests are
 * matched against it: RFC 9111 as it applies to a shared cache that the app opted into per route.
 */
final class CachePolicy {

    static final Set<Integer> CACHEABLE_STATUS = Set.of(200, 203, 301, 404, 410);
    /** Set per answer, or never shared: not kept with a response. */
    private static final Set<String> NOT_KEPT = Set.of("content-length", "x-request-id", "x-cache", "age",
            "set-cookie", "date");

    private CachePolicy() {
    }

    /**
     * Whether a response may be kept, and until when.
     *
     * @param body its body, or null when it was over {@link EdgeCache#MAX_BODY}
     * @param asked when it was asked for: its age counts from then (RFC 9111 4.2.3)
     * @return the response to keep, or a {@link CacheEntry.Pass} saying it may not be
     */
    static CacheEntry decide(Status status, Headers headers, byte[] body, Route route, String acceptEncoding, long asked) {
        long now = asked;
        CacheEntry.Pass pass = new CacheEntry.Pass(now + route.ttl().toNanos());
        if (body == null || !CACHEABLE_STATUS.contains(status.code()) || headers.contains(HeaderNames.SET_COOKIE)) {
            return pass;
        }
        CacheControl control = CacheControl.parse(headers.all(HeaderNames.CACHE_CONTROL, List::of));
        if (!control.storable()) {
            return pass;
        }
        for (String vary : headers.all(HeaderNames.VARY, List::of)) {
            for (String name : vary.split(",")) {
                String n = name.strip();
                if (!n.isEmpty() && !n.equalsIgnoreCase("accept-encoding")) {
                    return pass; // a key per value of an arbitrary header is not worth keeping at the edge
                }
            }
        }
        long ageAtStore = headers.first(HeaderNames.AGE).filter(a -> a.matches("\\d{1,10}")).map(Long::parseLong)
                .orElse(0L);
        Duration fresh = control.lifetime(route.ttl()).minusSeconds(ageAtStore);
        if (fresh.isNegative() || fresh.isZero()) {
            return pass;
        }
        List<Header> kept = new ArrayList<>();
        Set<String> connectionTokens = headers.first(HeaderNames.CONNECTION)
                .map(c -> Set.of(c.toLowerCase(Locale.ROOT).split("\\s*,\\s*"))).orElse(Set.of());
        for (Header h : headers) {
            String name = h.headerName().lowerCase();
            if (!NOT_KEPT.contains(name) && !Proxy.HOP_BY_HOP.contains(name) && !connectionTokens.contains(name)) {
                kept.add(HeaderValues.create(h.headerName(), h.allValues()));
            }
        }
        Optional<String> etag = headers.first(HeaderNames.ETAG);
        if (etag.isEmpty()) {
            etag = Optional.of(strongEtag(body));
            kept.add(HeaderValues.create(HeaderNames.ETAG, etag.get()));
        }
        long freshUntil = now + fresh.toNanos();
        long staleUntil = freshUntil + (control.mustRevalidate() ? 0 : route.stale().toNanos());
        return new CacheEntry.Response(status, List.copyOf(kept), body, etag.get(), now, ageAtStore, freshUntil,
                staleUntil, acceptEncoding);
    }

    /** A strong entity tag from the body's SHA-256, for responses the upstream sent without one. */
    static String strongEtag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code If-None-Match} against an entity tag: weak comparison (RFC 9110 13.1.2), or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        String mine = opaque(etag);
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || opaque(t).equals(mine)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** The content codings a client accepts, as one value per set: {@code br,gzip}; empty for none. */
    static String encodings(String acceptEncoding) {
        Set<String> codings = new TreeSet<>();
        for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
            String[] pieces = part.split(";");
            String coding = pieces[0].strip();
            boolean refused = false;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].strip().replace(" ", "");
                refused |= p.matches("q=0(\\.0{0,3})?");
            }
            if (!coding.isEmpty() && !refused) {
                codings.add(coding);
            }
        }
        return String.join(",", codings);
    }
}
