package io.cleave.gateway;

import io.helidon.http.Header;
import io.helidon.http.Status;
import java.util.List;

/** What the edge cache holds for a key: a response to answer with, or a note that the last one could not be kept. */
sealed interface CacheEntry {

    /** The time (the cache's clock, nanoseconds) past which the entry is dropped. */
    long until();

    /** The bytes the entry takes, for {@code cache-size}. */
    int weight();

    /**
     * A response kept for a key.
     *
     * @param status its status
     * @param headers its headers, without those set per answer ({@code Content-Length}, {@code Age},
     *     {@code X-Cache}, {@code X-Request-Id}) and hop-by-hop ones; with an {@code ETag}
     * @param body its body
     * @param etag its entity tag as sent, such as {@code "a1b2"} (quotes included)
     * @param storedAt when it was received
     * @param ageAtStore the {@code Age} it came with, in seconds
     * @param freshUntil until when it is answered without asking the upstream
     * @param staleUntil until when it may still be answered while one request refreshes it
     * @param acceptEncoding the {@code Accept-Encoding} it was asked with, sent again to refresh it
     */
    record Response(Status status, List<Header> headers, byte[] body, String etag, long storedAt, long ageAtStore,
            long freshUntil, long staleUntil, String acceptEncoding) implements CacheEntry {

        @Override
        public long until() {
            return staleUntil;
        }

        @Override
        public int weight() {
            int w = 256 + body.length;
            for (Header h : headers) {
                w += h.name().length() + h.values().length() + 4;
            }
            return w;
        }

        /** Its age in whole seconds at {@code now} (RFC 9111 4.2.3, with the upstream's own Age). */
        long age(long now) {
            return ageAtStore + Math.max(0, now - storedAt) / 1_000_000_000L;
        }
    }

    /**
     * The last response for the key could not be kept (too large, {@code no-store}, {@code Set-Cookie},
     * a status that is not cached ...): until {@code until}, requests for it go to the upstream at
     * once rather than queueing behind one another's fetch. One that can be kept replaces it.
     */
    record Pass(long until) implements CacheEntry {

        @Override
        public int weight() {
            return 256;
        }
    }
}
