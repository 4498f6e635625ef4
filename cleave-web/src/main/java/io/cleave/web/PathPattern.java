package io.cleave.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route's path pattern: literal segments and whole-segment parameters such as
 * {@code /carts/{cart}/items/{sku}}. A trailing slash is ignored.
 *
 * @param text the pattern as written
 * @param segments each segment's literal text, or its parameter name
 * @param parameter for each segment, whether it is a parameter
 */
record PathPattern(String text, List<String> segments, List<Boolean> parameter) {

    static PathPattern parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("path pattern \"" + text + "\" must start with /");
        }
        List<String> segments = new ArrayList<>();
        List<Boolean> parameter = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String segment : text.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                String name = segment.substring(1, segment.length() - 1);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new IllegalArgumentException("path pattern \"" + text + "\": parameter {" + name
                            + "} must be a name of letters, digits and _");
                }
                if (!names.add(name)) {
                    throw new IllegalArgumentException("path pattern \"" + text + "\" names parameter {" + name + "} twice");
                }
                segments.add(name);
                parameter.add(true);
            } else if (segment.contains("{") || segment.contains("}")) {
                throw new IllegalArgumentException("path pattern \"" + text + "\": segment \"" + segment
                        + "\" mixes text and a parameter; a parameter must be a whole segment such as {id}");
            } else {
                segments.add(segment);
                parameter.add(false);
            }
        }
        return new PathPattern(text, List.copyOf(segments), List.copyOf(parameter));
    }

    /** The parameters' values by name when {@code path} matches, else empty. */
    Optional<Map<String, String>> match(List<String> path) {
        if (path.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            if (parameter.get(i)) {
                values.put(segments.get(i), path.get(i));
            } else if (!segments.get(i).equals(path.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(values);
    }

    /** Whether both patterns match exactly the same paths. */
    boolean sameShape(PathPattern other) {
        if (segments.size() != other.segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            if (parameter.get(i) != other.parameter.get(i).booleanValue()
                    || (!parameter.get(i) && !segments.get(i).equals(other.segments.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** Negative when this pattern is more specific: a literal wins at the first place they differ. */
    int compareSpecificity(PathPattern other) {
        for (int i = 0; i < Math.min(segments.size(), other.segments.size()); i++) {
            boolean mine = parameter.get(i);
            boolean theirs = other.parameter.get(i);
            if (mine != theirs) {
                return mine ? 1 : -1;
            }
        }
        return 0;
    }
}
