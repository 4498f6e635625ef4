package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A path to one value in a JSON document: {@code $} followed by {@code .name}, {@code ["name"]},
 * {@code [index]} or {@code [random]} (for example {@code $.items[0].id}), or a JSON pointer
 * ({@code /items/0/id}). {@code [random]} takes one element of an array, chosen uniformly at
 * random each time the path is applied, so that sessions spread over what a page lists.
 */
final class JsonPath {

    /** The step that {@code [random]} stands for. */
    private static final Object RANDOM = new Object();

    private final String source;
    private final List<Object> steps;

    private JsonPath(String source, List<Object> steps) {
        this.source = source;
        this.steps = steps;
    }

    /**
     * Parses a path.
     *
     * @throws IllegalArgumentException saying what is wrong and what a path looks like
     */
    static JsonPath parse(String source) {
        List<Object> steps = new ArrayList<>();
        if (source.startsWith("/")) {
            for (String token : source.substring(1).split("/", -1)) {
                String name = token.replace("~1", "/").replace("~0", "~");
                steps.add(name.matches("0|[1-9][0-9]{0,8}") ? (Object) Integer.valueOf(name) : name);
            }
            return new JsonPath(source, List.copyOf(steps));
        }
        if (!source.startsWith("$")) {
            throw invalid(source, "it must start with \"$\" (like $.items[0].id) or \"/\" (a JSON pointer)");
        }
        int i = 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != '.' && source.charAt(end) != '[') {
                    end++;
                }
                if (end == i + 1) {
                    throw invalid(source, "a name is missing after \".\" at position " + (i + 1));
                }
                steps.add(source.substring(i + 1, end));
                i = end;
            } else if (c == '[') {
                int close = source.indexOf(']', i);
                if (close < 0) {
                    throw invalid(source, "\"[\" at position " + (i + 1) + " is not closed by \"]\"");
                }
                String inside = source.substring(i + 1, close).strip();
                if (inside.matches("[0-9]{1,9}")) {
                    steps.add(Integer.valueOf(inside));
                } else if (inside.equals("random")) {
                    steps.add(RANDOM);
                } else if (inside.length() >= 2 && (inside.startsWith("\"") && inside.endsWith("\"")
                        || inside.startsWith("'") && inside.endsWith("'"))) {
                    steps.add(inside.substring(1, inside.length() - 1));
                } else {
                    throw invalid(source, "[" + inside + "] is neither an index like [0], [random] nor a quoted name like [\"id\"]");
                }
                i = close + 1;
            } else {
                throw invalid(source, "unexpected \"" + c + "\" at position " + (i + 1) + "; use .name, [\"name\"] or [index]");
            }
        }
        return new JsonPath(source, List.copyOf(steps));
    }

    private static IllegalArgumentException invalid(String source, String why) {
        return new IllegalArgumentException("\"" + source + "\" is not a valid JSON path: " + why);
    }

    /** The value at this path, or empty if the document has none there (JSON null counts as none). */
    Optional<JsonNode> find(JsonNode document) {
        JsonNode node = document;
        for (Object step : steps) {
            if (step == RANDOM) {
                node = node.isArray() && !node.isEmpty() ? node.get(ThreadLocalRandom.current().nextInt(node.size())) : null;
            } else if (step instanceof Integer index) {
                node = node.isArray() ? node.get(index) : node.get(index.toString());
            } else {
                node = node.get((String) step);
            }
            if (node == null) {
                return Optional.empty();
            }
        }
        return node.isNull() || node.isMissingNode() ? Optional.empty() : Optional.of(node);
    }

    @Override
    public String toString() {
        return source;
    }
}
