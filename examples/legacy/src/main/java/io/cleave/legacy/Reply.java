package io.cleave.legacy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status, a body and its type, and any further headers.
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param body the body, empty for none
 * @param headers further response headers
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    Reply {
        headers = Map.copyOf(headers);
    }

    /** A JSON body: {@code value} as Jackson writes it. */
    static Reply json(int status, Object value) {
        return new Reply(status, "application/json", Json.write(value), Map.of());
    }

    /** The JSON error body every failure has: {@code {"status": 404, "error": "..."}}. */
    static Reply error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        return json(status, body);
    }

    /** A plain-text body in UTF-8. */
    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An HTML page in UTF-8. */
    static Reply html(int status, String html) {
        return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** This reply with one more header. */
    Reply with(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }
}
