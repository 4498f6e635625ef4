package io.cleave.legacy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shop's one {@link HttpHandler}: finds the route of a method and path, turns refusals into JSON
 * errors, and marks every answer {@code X-Served-By: legacy}, so that whoever calls through a gateway sees
 * which application answered.
 */
final class Router implements HttpHandler {

    /** The header on every response, and its value. */
    static final String SERVED_BY = "X-Served-By";
    static final String LEGACY = "legacy";

    /** A route's code. */
    @FunctionalInterface
    interface Handler {
        /**
         * Answers a request.
         *
         * @param request the request
         * @return the answer
         * @throws HttpError to refuse the request with its status and message
         * @throws Exception any other failure, answered {@code 500}
         */
        Reply handle(Request request) throws Exception;
    }

    /** The handlers of one path template ({@code /api/products/{id}}), by method, in the order added. */
    private record Route(String[] segments, Map<String, Handler> byMethod) {

        Optional<Map<String, String>> match(String[] path) {
            if (path.length != segments.length) {
                return Optional.empty();
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < path.length; i++) {
                String segment = segments[i];
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    params.put(segment.substring(1, segment.length() - 1), path[i]);
                } else if (!segment.equals(path[i])) {
                    return Optional.empty();
                }
            }
            return Optional.of(params);
        }
    }

    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final Map<String, Route> routes = new LinkedHashMap<>();

    /** Adds a route; call before the server starts. */
    Router route(String method, String template, Handler handler) {
        routes.computeIfAbsent(template, t -> new Route(t.split("/", -1), new LinkedHashMap<>()))
                .byMethod().put(method, handler);
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        try {
            Reply reply;
            try {
                reply = dispatch(exchange, method, path);
            } catch (HttpError e) {
                reply = e.reply();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, method + " " + path + " failed", e);
                reply = Reply.error(500, "the legacy shop failed to answer " + method + " " + path + " (" + e
                        + "); its log has the details");
            }
            send(exchange, reply);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> method + " " + path + ": the client's connection failed: " + e);
        } finally {
            exchange.close();
        }
    }

    private Reply dispatch(HttpExchange exchange, String method, String path) throws Exception {
        String[] segments = path.split("/", -1);
        List<String> allowed = new ArrayList<>();
        for (Route route : routes.values()) {
            Optional<Map<String, String>> params = route.match(segments);
            if (params.isPresent()) {
                Handler handler = route.byMethod().get(method);
                if (handler != null) {
                    return handler.handle(new Request(exchange, params.get()));
                }
                allowed.addAll(route.byMethod().keySet());
            }
        }
        if (!allowed.isEmpty()) {
            throw HttpError.methodNotAllowed(method, path, allowed.stream().distinct().collect(Collectors.joining(", ")));
        }
        throw new HttpError(404, "no route for " + method + " " + path);
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set(SERVED_BY, LEGACY);
        headers.set("Content-Type", reply.contentType());
        headers.set("Cache-Control", "no-store");
        reply.headers().forEach(headers::set);
        byte[] body = reply.body();
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
