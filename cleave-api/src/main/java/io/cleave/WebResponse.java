package io.cleave;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP response returned by a {@link Listener.Handler}: immutable; build one from a factory
 * and refine it with the {@code with...} methods, each of which returns a new response.
 *
 * <pre>{@code
 * return WebResponse.redirect("/cart").withCookie(Cookie.of("sid", session.id()));
 * }</pre>
 *
 * @param status the HTTP status, 100 to 599
 * @param headers the headers by lower-case name, each with its values in order
 * @param body the body; empty for none
 */
public record WebResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if the status is outside 100 to 599, or a header name is
     *     not an HTTP token, or a header value has a control character (which would let a
     *     value inject headers)
     */
    public WebResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be 100 to 599, got " + status);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                throw new IllegalArgumentException("header name \"" + name + "\" is not an HTTP token");
            }
            for (String value : values) {
                if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                    throw new IllegalArgumentException("value of header \"" + name + "\" has a control character");
                }
            }
            copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values));
        });
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /**
     * {@code 200} with a UTF-8 plain-text body.
     *
     * @param text the body
     * @return the response
     */
    public static WebResponse text(String text) {
        return of(200, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code 200} with a UTF-8 HTML body.
     *
     * @param html the body
     * @return the response
     */
    public static WebResponse html(String html) {
        return of(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code 200} with a JSON body, already serialized.
     *
     * @param json the JSON text; not checked
     * @return the response
     */
    public static WebResponse json(String json) {
        return of(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code 303 See Other} to {@code location}: after a form post, the browser follows with a
     * {@code GET}.
     *
     * @param location an absolute path or URL
     * @return the response
     * @throws IllegalArgumentException if {@code location} has a control character
     */
    public static WebResponse redirect(String location) {
        return new WebResponse(303, Map.of("location", List.of(location)), new byte[0]);
    }

    /**
     * A response without a body, such as {@code 204}.
     *
     * @param status the status
     * @return the response
     * @throws IllegalArgumentException if the status is outside 100 to 599
     */
    public static WebResponse status(int status) {
        return new WebResponse(status, Map.of(), new byte[0]);
    }

    /**
     * A response with any status, content type and body.
     *
     * @param status the status
     * @param contentType the {@code Content-Type}
     * @param body the body
     * @return the response
     * @throws IllegalArgumentException if the status is outside 100 to 599 or the content type
     *     has a control character
     */
    public static WebResponse of(int status, String contentType, byte[] body) {
        return new WebResponse(status, Map.of("content-type", List.of(contentType)), body);
    }

    /**
     * This response with another status.
     *
     * @param status the status
     * @return the new response
     * @throws IllegalArgumentException if the status is outside 100 to 599
     */
    public WebResponse withStatus(int status) {
        return new WebResponse(status, headers, body);
    }

    /**
     * This response with the header set to one value, replacing any values it had.
     *
     * @param name the header's name, in any case
     * @param value its value
     * @return the new response
     * @throws IllegalArgumentException if the name is not an HTTP token or the value has a
     *     control character
     */
    public WebResponse withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.put(name.toLowerCase(Locale.ROOT), List.of(value));
        return new WebResponse(status, copy, body);
    }

    /**
     * This response, also setting a cookie (one more {@code Set-Cookie} header).
     *
     * @param cookie the cookie
     * @return the new response
     */
    public WebResponse withCookie(Cookie cookie) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        List<String> values = new ArrayList<>(copy.getOrDefault("set-cookie", List.of()));
        values.add(cookie.headerValue());
        copy.put("set-cookie", values);
        return new WebResponse(status, copy, body);
    }

    /**
     * The body.
     *
     * @return a copy of the body bytes
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body decoded as UTF-8, for tests and logs.
     *
     * @return the body text
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebResponse r && status == r.status && headers.equals(r.headers)
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "WebResponse[" + status + ", " + headers + ", " + body.length + " body bytes]";
    }
}
