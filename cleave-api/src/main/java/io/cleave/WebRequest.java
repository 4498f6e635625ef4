package io.cleave;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An HTTP request as a {@link Listener.Handler} sees it: immutable, fully read, percent-decoded.
 *
 * @param requestId the id of this request, also sent in the {@code X-Request-Id} response
 *     header and written to the server log with any failure
 * @param method the method in upper case, such as {@code GET}
 * @param path the decoded path, such as {@code /products/a b}
 * @param pathParams the route's path parameters by name, decoded
 * @param query the decoded query parameters by name, each with its values in order
 * @param headers the headers by lower-case name, each with its values in order
 * @param cookies the request's cookies by name
 * @param body the body; empty when there is none
 * @param clientAddress the address of the client that sent the request, such as {@code 127.0.0.1}:
 *     the TCP peer, or, when the peer is one of the listener's {@code trusted-proxies}, the
 *     rightmost {@code X-Forwarded-For} address that is not a trusted proxy; empty when unknown
 */
public record WebRequest(String requestId, String method, String path, Map<String, String> pathParams,
        Map<String, List<String>> query, Map<String, List<String>> headers, Map<String, String> cookies,
        byte[] body, String clientAddress) {

    /**
     * Creates a request whose client address is unknown, copying every argument.
     *
     * @param requestId the request id
     * @param method the method
     * @param path the decoded path
     * @param pathParams the path parameters
     * @param query the query parameters
     * @param headers the headers
     * @param cookies the cookies
     * @param body the body
     */
    public WebRequest(String requestId, String method, String path, Map<String, String> pathParams,
            Map<String, List<String>> query, Map<String, List<String>> headers, Map<String, String> cookies,
            byte[] body) {
        this(requestId, method, path, pathParams, query, headers, cookies, body, "");
    }

    /**
     * Creates a request, copying every argument.
     *
     * @throws NullPointerException if any argument is null
     */
    public WebRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        pathParams = Map.copyOf(pathParams);
        query = copyMulti(query, false);
        headers = copyMulti(headers, true);
        cookies = Map.copyOf(cookies);
        body = body.clone();
        Objects.requireNonNull(clientAddress, "clientAddress");
    }

    private static Map<String, List<String>> copyMulti(Map<String, List<String>> map, boolean lowerCaseKeys) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.merge(lowerCaseKeys ? k.toLowerCase(Locale.ROOT) : k, List.copyOf(v),
                (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * A path parameter of the matched route.
     *
     * @param name a parameter named in the route's pattern, such as {@code id} for
     *     {@code /products/{id}}
     * @return its decoded value
     * @throws IllegalArgumentException if the route's pattern has no such parameter
     */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("route of " + method + " " + path + " has no path parameter \""
                    + name + "\"; it has " + pathParams.keySet());
        }
        return value;
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter's name
     * @return its first value, or empty when absent
     */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * The first value of a header.
     *
     * @param name the header's name, in any case
     * @return its first value, or empty when absent
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * A cookie sent with the request.
     *
     * @param name the cookie's name
     * @return its value, or empty when absent
     */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies.get(name));
    }

    /**
     * The body.
     *
     * @return a copy of the body bytes; empty when there is none
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body decoded as UTF-8.
     *
     * @return the body text; empty when there is none
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebRequest r && requestId.equals(r.requestId) && method.equals(r.method)
                && path.equals(r.path) && pathParams.equals(r.pathParams) && query.equals(r.query)
                && headers.equals(r.headers) && cookies.equals(r.cookies) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestId, method, path, pathParams, query, headers, cookies, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "WebRequest[" + requestId + " " + method + " " + path + ", " + body.length + " body bytes]";
    }
}
