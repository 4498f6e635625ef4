package io.cleave.legacy;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A request as a route sees it: the exchange, and the path's parameters. */
final class Request {

    /** How much of a refused body is still read, so that the client sees the answer rather than a reset. */
    private static final long DRAIN_LIMIT = 1 << 20;

    private final HttpExchange exchange;
    private final Map<String, String> pathParams;

    Request(HttpExchange exchange, Map<String, String> pathParams) {
        this.exchange = exchange;
        this.pathParams = Map.copyOf(pathParams);
    }

    /** The value of a path parameter that the route's path names, such as {@code id} in {@code /api/products/{id}}. */
    String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route's path has no parameter {" + name + "}");
        }
        return value;
    }

    /**
     * The first value of a query parameter, decoded.
     *
     * @param name the parameter
     * @return its value, or empty when the query does not name it
     * @throws HttpError {@code 400} when the query's percent-encoding is malformed
     */
    Optional<String> queryParam(String name) throws HttpError {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String raw) throws HttpError {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // unreachable today (the JDK's server answers a malformed escape with its own 400 first), kept so that
            // a change of server cannot turn it into a 500
            throw new HttpError(400, "the query has malformed percent-encoding in \"" + raw + "\": " + e.getMessage());
        }
    }

    /**
     * The body, which must be JSON of at most {@code limit} bytes.
     *
     * @param limit the most bytes read
     * @return the body's bytes
     * @throws HttpError {@code 415} when the body is not {@code application/json} in UTF-8, {@code 413} when it
     *     is longer than {@code limit}
     * @throws IOException when the client's connection fails
     */
    byte[] jsonBody(int limit) throws HttpError, IOException {
        String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
        String[] parts = type.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            throw new HttpError(415, type.isBlank()
                    ? "the request has no Content-Type; send application/json"
                    : "Content-Type \"" + type + "\" is not accepted; send application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip().toLowerCase(Locale.ROOT);
            if (param.startsWith("charset=") && !param.replace("\"", "").equals("charset=utf-8")) {
                throw new HttpError(415, "Content-Type \"" + type + "\" is not accepted; send JSON in UTF-8");
            }
        }
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(limit + 1);
        if (body.length > limit) {
            // read (a bounded amount of) the rest: closing on unread bytes could reset the connection before
            // the client reads the answer
            if (contentLength() <= DRAIN_LIMIT) {
                drain(in, DRAIN_LIMIT);
            }
            throw new HttpError(413, "the body is over " + limit + " bytes (" + (limit >> 10)
                    + " KiB), the most this route accepts").closing();
        }
        return body;
    }

    private static void drain(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = limit; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    /** The declared Content-Length, or {@link #DRAIN_LIMIT} when there is none (a chunked body). */
    private long contentLength() {
        try {
            return Long.parseLong(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Length")).orElse(""));
        } catch (NumberFormatException e) {
            return DRAIN_LIMIT;
        }
    }
}
