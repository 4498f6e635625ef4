package io.cleave.gateway;

import io.cleave.spi.ConfigSection.ConfigError;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Where each request goes, as the route table file says: the upstream of the longest path prefix
 * of {@code [routes]} that covers the request's path ({@link RouteSettings#APP} when none does),
 * and, for requests bound to {@code app}, a {@code [canary]} that sends a share of clients to a
 * named upstream instead; and {@code [upstreams]}, named upstreams of its own beside those of
 * {@code [gateway.upstreams]} (in place of one of those when it has the same name). Immutable: a
 * reload builds a new table and swaps it in whole.
 *
 * <pre>
 * [upstreams]
 * v3 = "http://10.0.0.7:8080,http://10.0.0.8:8080"   # same syntax as [gateway.upstreams]
 * [routes]
 * "/" = "legacy"               # longest matching prefix wins
 * "/api/products" = "app"
 * [canary]
 * upstream = "v2"
 * weight = 10                  # percent of clients, sticky by cookie
 * header = "X-Canary"          # X-Canary: always / never forces a side
 * cookie = "cleave-canary"
 * </pre>
 *
 * @param routes prefixes and their upstreams, longest prefix first
 * @param canary the canary; empty for none
 * @param upstreams the file's named upstreams and their base URLs; empty for none
 */
record RouteTable(List<Route> routes, Optional<Canary> canary, Map<String, List<URI>> upstreams) {

    /** Every request to the listener's own replicas: what a gateway without a route table does. */
    static final RouteTable APP_ONLY = new RouteTable(List.of(), Optional.empty(), Map.of());

    static final String DEFAULT_COOKIE = "cleave-canary";
    static final Set<String> CANARY_KEYS = Set.of("upstream", "weight", "header", "cookie");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    RouteTable {
        routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
        upstreams = Map.copyOf(upstreams);
    }

    /**
     * A path prefix and the upstream it sends to.
     *
     * @param prefix such as {@code /api/products}: covers that path and those under it
     * @param upstream {@code app} or a named upstream
     */
    record Route(String prefix, String upstream) {
    }

    /**
     * A share of clients sent to another upstream than {@code app}.
     *
     * @param upstream the named upstream running the new version
     * @param weight percent of clients it gets, 0 to 100
     * @param header a request header whose {@code always} or {@code never} forces the side; empty for none
     * @param cookie the cookie holding the client's draw, which keeps it on its side
     */
    record Canary(String upstream, int weight, Optional<String> header, String cookie) {

        /** Whether a client with this draw (0 to 99) is on the canary's side. */
        boolean takes(int draw) {
            return draw < weight;
        }
    }

    /** The upstream for a path: the longest prefix's that covers it, else {@code app}. */
    String upstreamFor(String path) {
        for (Route r : routes) {
            if (covers(r.prefix(), path)) {
                return r.upstream();
            }
        }
        return RouteSettings.APP;
    }

    /**
     * Whether a prefix covers a path: equal, or the path continues after the prefix with {@code /}
     * (or the prefix ends with one), so {@code /api/products} covers {@code /api/products/7} but not
     * {@code /api/productsearch}.
     */
    static boolean covers(String prefix, String path) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || prefix.endsWith("/")
                || path.charAt(prefix.length()) == '/');
    }

    /**
     * Reads a route table.
     *
     * @param label the file as named in {@code [gateway] route-table}, for messages
     * @param text the file's text
     * @param configured the names a route may use besides the file's own {@code [upstreams]}: {@code app}
     *     and {@code [gateway.upstreams]}'s
     * @throws ConfigError {@code file:line: problem} for the first problem: not TOML, an unknown
     *     table or key, a route that is not a path prefix or names no known upstream, a weight outside
     *     0..100, an upstream whose name or URLs are not valid
     */
    static RouteTable parse(String label, String text, Set<String> configured) {
        TomlParseResult doc = Toml.parse(text);
        if (doc.hasErrors()) {
            TomlParseError e = doc.errors().get(0);
            throw new ConfigError(label + ":" + e.position().line() + ":" + e.position().column() + ": not valid TOML: "
                    + e.getMessage());
        }
        if (!doc.contains(List.of("routes")) && !doc.contains(List.of("canary"))) {
            // most often a file caught half written (truncated, not yet filled): never read as "all to app"
            throw new ConfigError(label + ": has neither [routes] nor [canary]; to send every request to the app,"
                    + " write an empty [routes] table");
        }
        for (String key : doc.keySet()) {
            if (!key.equals("routes") && !key.equals("canary") && !key.equals("upstreams")) {
                throw new Reader(label, configured).error(doc, key, (doc.get(List.of(key)) instanceof TomlTable
                        ? "table [" + key + "]" : "key \"" + key + "\" outside any table") + " is unknown; a route"
                        + " table has [routes], [canary] and [upstreams]");
            }
        }
        Map<String, List<URI>> upstreams = upstreams(doc, new Reader(label, configured));
        Set<String> known = new LinkedHashSet<>(configured);
        known.addAll(upstreams.keySet());
        Reader at = new Reader(label, known);
        List<Route> routes = new ArrayList<>();
        Optional<TomlTable> routesTable = at.table(doc, "routes");
        if (routesTable.isPresent()) {
            TomlTable table = routesTable.get();
            for (String prefix : table.keySet()) {
                Object value = table.get(List.of(prefix));
                if (!prefix.startsWith("/")) {
                    throw at.error(table, prefix, "[routes] \"" + prefix + "\": a route is a path prefix starting with"
                            + " \"/\", such as \"/api/products\"");
                }
                if (!(value instanceof String name)) {
                    throw at.error(table, prefix, "[routes] \"" + prefix + "\" must name an upstream as a string, such"
                            + " as \"legacy\" or \"app\"");
                }
                at.known(table, prefix, "[routes] \"" + prefix + "\" = \"" + name + "\"", name);
                routes.add(new Route(prefix, name));
            }
        }
        return new RouteTable(routes, canary(doc, at), upstreams);
    }

    /** {@code [upstreams]}: {@code name = "http://host:port"} or several URLs separated by commas. */
    private static Map<String, List<URI>> upstreams(TomlParseResult doc, Reader at) {
        Optional<TomlTable> table = at.table(doc, "upstreams");
        Map<String, List<URI>> named = new LinkedHashMap<>();
        if (table.isEmpty()) {
            return named;
        }
        for (String name : table.get().keySet()) {
            TomlPosition position = table.get().inputPositionOf(List.of(name));
            String where = at.label() + (position == null ? "" : ":" + position.line()) + ": [upstreams] " + name;
            RouteSettings.checkName(where, name);
            if (!(table.get().get(List.of(name)) instanceof String urls)) {
                throw new ConfigError(where + " must be a string of base URLs, such as \"http://127.0.0.1:9091\" or"
                        + " \"http://10.0.0.7:8080,http://10.0.0.8:8080\"");
            }
            named.put(name, RouteSettings.baseUrls(where, urls));
        }
        return named;
    }

    private static Optional<Canary> canary(TomlParseResult doc, Reader at) {
        Optional<TomlTable> canaryTable = at.table(doc, "canary");
        if (canaryTable.isEmpty()) {
            return Optional.empty();
        }
        TomlTable table = canaryTable.get();
        for (String key : table.keySet()) {
            if (!CANARY_KEYS.contains(key)) {
                throw at.error(table, key, "[canary] key \"" + key + "\" is unknown (valid keys: cookie, header,"
                        + " upstream, weight)");
            }
        }
        if (!(table.get(List.of("upstream")) instanceof String upstream)) {
            throw at.error(table.contains(List.of("upstream")) ? table : doc, table.contains(List.of("upstream"))
                    ? "upstream" : "canary", "[canary] needs upstream = \"<name>\", a string naming the upstream that"
                    + " runs the new version (one of [upstreams] or [gateway.upstreams])");
        }
        at.known(table, "upstream", "[canary] upstream = \"" + upstream + "\"", upstream);
        if (upstream.equals(RouteSettings.APP)) {
            throw at.error(table, "upstream", "[canary] upstream = \"app\": the canary is another upstream than the"
                    + " listener's own replicas, such as \"v2\"");
        }
        Object weight = table.get(List.of("weight"));
        if (!(weight instanceof Long percent) || percent < 0 || percent > 100) {
            throw at.error(table.contains(List.of("weight")) ? table : doc, table.contains(List.of("weight")) ? "weight"
                    : "canary", "[canary] weight" + (weight == null ? " is missing" : " = " + weight)
                    + ": expected a whole number of percent from 0 to 100 (the share of clients sent to "
                    + upstream + ")");
        }
        Optional<String> header = Optional.empty();
        if (table.contains(List.of("header"))) {
            if (!(table.get(List.of("header")) instanceof String name) || !TOKEN.matcher(name).matches()) {
                throw at.error(table, "header", "[canary] header: expected a header name such as \"X-Canary\"");
            }
            header = Optional.of(name);
        }
        String cookie = DEFAULT_COOKIE;
        if (table.contains(List.of("cookie"))) {
            if (!(table.get(List.of("cookie")) instanceof String name) || !TOKEN.matcher(name).matches()) {
                throw at.error(table, "cookie", "[canary] cookie: expected a cookie name such as \"cleave-canary\"");
            }
            cookie = name;
        }
        return Optional.of(new Canary(upstream, percent.intValue(), header, cookie));
    }

    /** Messages that name the file and line. */
    private record Reader(String label, Set<String> upstreams) {

        ConfigError error(TomlTable table, String key, String problem) {
            TomlPosition position = table.inputPositionOf(List.of(key));
            return new ConfigError(label + (position == null ? "" : ":" + position.line()) + ": " + problem);
        }

        Optional<TomlTable> table(TomlParseResult doc, String name) {
            if (!doc.contains(List.of(name))) {
                return Optional.empty();
            }
            if (!(doc.get(List.of(name)) instanceof TomlTable t)) {
                throw error(doc, name, "\"" + name + "\" must be a table: [" + name + "]");
            }
            return Optional.of(t);
        }

        void known(TomlTable table, String key, String what, String name) {
            if (!upstreams.contains(name)) {
                throw error(table, key, what + ": no upstream is named \"" + name + "\" (known: "
                        + String.join(", ", upstreams.stream().sorted().toList())
                        + "; name others in [upstreams] of this file or [gateway.upstreams] of cleave.toml)");
            }
        }
    }

    /** For the log: {@code / -> legacy, /api/products -> app; canary v2 10%} (the file's upstreams are logged apart). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        routes.stream().sorted(Comparator.comparing(Route::prefix))
                .forEach(r -> b.append(b.isEmpty() ? "" : ", ").append(r.prefix()).append(" -> ").append(r.upstream()));
        if (b.isEmpty()) {
            b.append("every path -> app");
        }
        canary.ifPresent(c -> b.append("; canary ").append(c.upstream()).append(' ').append(c.weight()).append('%'));
        return b.toString();
    }
}
