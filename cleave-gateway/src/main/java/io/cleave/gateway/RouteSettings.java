package io.cleave.gateway;

import io.cleave.spi.ConfigSection;
import io.cleave.spi.ConfigSection.ConfigError;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where requests may go besides the listener's own replicas, from {@code [gateway]}: the named
 * upstreams of {@code [gateway.upstreams]} ({@code legacy = "http://127.0.0.1:9090"}, one or more
 * base URLs each) and the route table file of {@code route-table}, which sends path prefixes to
 * them and a share of clients to a canary (see {@link RouteTable}).
 *
 * @param upstreams each named upstream's base URLs, in the order written
 * @param routeTable the route table file, relative to the working directory; empty for none
 *     (every request goes to {@link #APP})
 */
record RouteSettings(Map<String, List<URI>> upstreams, Optional<Path> routeTable) {

    /** The implicit upstream: the replicas of the listener the request arrived on. */
    static final String APP = "app";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    RouteSettings {
        upstreams = Map.copyOf(upstreams);
    }

    /**
     * Reads {@code route-table} and {@code [gateway.upstreams]} of {@code [gateway]}.
     *
     * @throws ConfigError naming the key at fault and what would be valid
     */
    static RouteSettings read(ConfigSection gateway) {
        ConfigSection table = gateway.subsection("upstreams");
        table.rejectUnknownSubsections(Set.of(), "a table inside [gateway.upstreams], whose keys are upstream names");
        Map<String, List<URI>> named = new LinkedHashMap<>();
        for (String name : table.keys()) {
            String at = "[" + table.path() + "] " + name;
            checkName(at, name);
            named.put(name, baseUrls(at, table.string(name)));
        }
        Optional<Path> file = Optional.empty();
        if (gateway.has("route-table")) {
            String text = gateway.string("route-table").strip();
            try {
                file = Optional.of(Path.of(text)).filter(p -> !text.isEmpty());
            } catch (InvalidPathException e) {
                // answered below
            }
            if (file.isEmpty()) {
                throw new ConfigError("[" + gateway.path() + "] route-table = \"" + text + "\": expected a file name"
                        + " such as \"gateway-routes.toml\" (relative to the working directory)");
            }
        }
        return new RouteSettings(named, file);
    }

    /**
     * Checks an upstream's name: lower-case letters, digits and {@code -}, starting with a letter, not {@code app}.
     *
     * @param at where the name is, for the message: {@code [gateway.upstreams] Legacy}
     * @throws ConfigError {@code at: ...} saying what a name may be
     */
    static void checkName(String at, String name) {
        if (!NAME.matcher(name).matches() || name.equals(APP)) {
            throw new ConfigError(at + ": an upstream's name is lower-case letters, digits and \"-\", starting with a"
                    + " letter, such as legacy or v2" + (name.equals(APP) ? "; \"app\" is taken: it names the"
                    + " listener's own replicas" : ""));
        }
    }

    /**
     * An upstream's replicas: {@code "http://host:port"}, or several separated by commas, each once.
     *
     * @param at where the value is, for the message: {@code [gateway.upstreams] legacy}
     * @return the base URLs ({@code http://host:port}), in the order written
     * @throws ConfigError {@code at = "...": ...} for a URL that is not plain HTTP with a host and port and
     *     nothing after them, an empty one, or one given twice
     */
    static List<URI> baseUrls(String at, String text) {
        List<URI> uris = new ArrayList<>();
        for (String part : text.split(",", -1)) { // -1: a trailing comma is an empty URL, refused
            String url = part.strip();
            URI uri = null;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                // answered below
            }
            boolean bare = uri != null && (uri.getRawPath() == null || uri.getRawPath().isEmpty()
                    || uri.getRawPath().equals("/")) && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null;
            if (uri == null || !"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0 || !bare) {
                throw new ConfigError(at + " = \"" + text + "\": \"" + url + "\" is not a base URL http://host:port;"
                        + " give one or more, separated by commas, such as \"http://127.0.0.1:9090\" (plain HTTP)");
            }
            URI base = URI.create("http://" + uri.getRawAuthority());
            if (uris.contains(base)) {
                throw new ConfigError(at + " = \"" + text + "\": " + base + " is given twice; list each replica once");
            }
            uris.add(base);
        }
        return List.copyOf(uris);
    }

    /** The names a route table may use: {@link #APP} and every named upstream. */
    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        names.add(APP);
        names.addAll(upstreams.keySet().stream().sorted().toList());
        return names;
    }
}
