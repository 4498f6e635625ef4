package io.cleave;

import java.net.URI;

/**
 * A named HTTP endpoint of the application, such as {@code web} or {@code admin}. A component
 * asks for one by naming a constructor parameter after it; where it listens is deployment
 * configuration ({@code [listeners] web = "0.0.0.0:8080"}), so the code never names a port:
 *
 * <pre>{@code
 * public StorefrontImpl(Catalog catalog, Listener web) {
 *     web.get("/products/{id}", request -> catalog.product(request.pathParam("id"))
 *                     .map(p -> WebResponse.json(p.toJson()))
 *                     .orElseThrow(() -> new HttpError(404, "no product " + request.pathParam("id"))))
 *        .resources("/assets", "storefront/assets");
 * }
 * }</pre>
 *
 * <p>The listener is bound and serving when the component receives it; routes may be added
 * until the application stops and take effect at once. Requests that match no route get
 * {@code 404} with a JSON body; a handler that throws {@link HttpError} answers with its status
 * and message; any other exception answers {@code 500} with only a request id, which the
 * server log repeats beside the stack trace. Every response carries the request id in the
 * {@code X-Request-Id} header.
 *
 * <p>Path patterns are absolute paths whose segments are literals or whole-segment parameters
 * in braces: {@code /carts/{cart}/items/{sku}}. A literal segment wins over a parameter at the
 * same place; a trailing slash is ignored. Instances are thread-safe.
 */
@RuntimeService
public interface Listener {

    /**
     * The listener's name, as in configuration.
     *
     * @return the name
     */
    String name();

    /**
     * Routes {@code GET} (and {@code HEAD}) requests whose path matches {@code pattern}.
     *
     * @param pattern a path pattern such as {@code /products/{id}}
     * @param handler what answers
     * @return this listener
     * @throws IllegalArgumentException if the pattern is malformed or already routed for
     *     this method
     */
    Listener get(String pattern, Handler handler);

    /**
     * Routes {@code POST} requests whose path matches {@code pattern}.
     *
     * @param pattern a path pattern
     * @param handler what answers
     * @return this listener
     * @throws IllegalArgumentException if the pattern is malformed or already routed for
     *     this method
     */
    Listener post(String pattern, Handler handler);

    /**
     * Routes {@code PUT} requests whose path matches {@code pattern}.
     *
     * @param pattern a path pattern
     * @param handler what answers
     * @return this listener
     * @throws IllegalArgumentException if the pattern is malformed or already routed for
     *     this method
     */
    Listener put(String pattern, Handler handler);

    /**
     * Routes {@code DELETE} requests whose path matches {@code pattern}.
     *
     * @param pattern a path pattern
     * @param handler what answers
     * @return this listener
     * @throws IllegalArgumentException if the pattern is malformed or already routed for
     *     this method
     */
    Listener delete(String pattern, Handler handler);

    /**
     * Serves class-path resources read-only: {@code GET urlPrefix/a/b.css} answers with the
     * resource {@code classpathDirectory/a/b.css}, its content type guessed from the file
     * extension; a path ending in {@code /} serves its {@code index.html}. Paths that leave the
     * directory ({@code ..}) and missing resources answer {@code 404}. Routes registered with
     * {@link #get} win over resources.
     *
     * @param urlPrefix an absolute path without parameters, such as {@code /assets}
     * @param classpathDirectory a class-path directory, such as {@code shop/assets}
     * @return this listener
     * @throws IllegalArgumentException if the prefix is malformed or already serves resources
     */
    Listener resources(String urlPrefix, String classpathDirectory);

    /**
     * The port the listener is bound to; the actual one when configuration asked for port 0.
     *
     * @return the port
     */
    int port();

    /**
     * The base address of the listener, such as {@code http://127.0.0.1:8080/}. When bound to
     * all interfaces ({@code 0.0.0.0}) it names the loopback address. Behind a gateway
     * ({@code [gateway]} in {@code cleave.toml}) it is the configured address the gateway serves,
     * where clients reach it, and {@link #port()} the listener's own.
     *
     * @return the address
     */
    URI uri();

    /** Answers requests of one route. */
    @FunctionalInterface
    interface Handler {

        /**
         * Answers a request. Runs on its own (virtual) thread, so it may block: call components,
         * query a {@link Store}.
         *
         * @param request the request, with the route's path parameters
         * @return the response
         * @throws HttpError to answer the client with that status and message
         * @throws Exception for any other failure: the client gets {@code 500} and a request id,
         *     the server log the stack trace
         */
        WebResponse handle(WebRequest request) throws Exception;
    }
}
