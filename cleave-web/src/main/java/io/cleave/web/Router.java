package io.cleave.web;

import io.cleave.Listener.Handler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The routes of one listener; safe to add to while requests are served (copy on write). */
final class Router {

    record Route(String method, PathPattern pattern, Handler handler) {
    }

    record Match(Route route, Map<String, String> pathParams) {
    }

    private volatile List<Route> routes = List.of();

    synchronized void add(String method, String pattern, Handler handler) {
        PathPattern parsed = PathPattern.parse(pattern);
        for (Route r : routes) {
            if (r.method.equals(method) && r.pattern.sameShape(parsed)) {
                throw new IllegalArgumentException(method + " " + pattern + " is already routed (as "
                        + r.pattern.text() + ")");
            }
        }
        List<Route> copy = new ArrayList<>(routes);
        copy.add(new Route(method, parsed, handler));
        routes = List.copyOf(copy);
    }

    /** The most specific route for the method and path; a literal segment beats a parameter. */
    Optional<Match> match(String method, List<String> path) {
        Match best = null;
        for (Route r : routes) {
            if (!r.method.equals(method)) {
                continue;
            }
            Optional<Map<String, String>> params = r.pattern.match(path);
            if (params.isPresent() && (best == null || r.pattern.compareSpecificity(best.route.pattern) < 0)) {
                best = new Match(r, params.get());
            }
        }
        return Optional.ofNullable(best);
    }

    /** The methods routed for this path, for {@code 405} and {@code Allow}. */
    Set<String> methodsFor(List<String> path) {
        Set<String> methods = new TreeSet<>();
        for (Route r : routes) {
            if (r.pattern.match(path).isPresent()) {
                methods.add(r.method);
            }
        }
        return methods;
    }
}
