package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a load test sends: a weighted mix of flows, each a sequence of requests run in order by
 * one session, with values taken from JSON responses into variables that later requests use.
 * Read from a TOML file with {@link #parse(Path)} (the format is described in the module's
 * README), or made of one request with {@link #request(String, String, Map, Optional)}.
 */
public final class Scenario {

    /** A named sequence of steps, chosen for a new session in proportion to its weight. */
    record Flow(String name, int weight, List<Step> steps) {}

    /** Variables every session has without defining them. */
    static final List<String> BUILT_IN = List.of("session", "request", "uuid", "random");

    private final String name;
    private final List<Flow> flows;
    private final Map<String, JsonNode> vars;
    private final List<Step.Header> headers;
    private final boolean belowTargetPath;

    /**
     * @param belowTargetPath whether the steps' paths go below the target URL's path (a file's
     *     steps), rather than being whole request targets themselves (a single request)
     */
    Scenario(String name, List<Flow> flows, Map<String, JsonNode> vars, List<Step.Header> headers, boolean belowTargetPath) {
        this.name = name;
        this.flows = List.copyOf(flows);
        this.vars = Map.copyOf(vars);
        this.headers = List.copyOf(headers);
        this.belowTargetPath = belowTargetPath;
    }

    /**
     * Reads a scenario file.
     *
     * @param file a TOML file
     * @return the scenario
     * @throws ScenarioException if the file cannot be read or is not a valid scenario; the message
     *     names the file, line, flow, step and field, and what would be valid
     */
    public static Scenario parse(Path file) throws ScenarioException {
        return ScenarioParser.parse(file);
    }

    /**
     * Reads a scenario from text.
     *
     * @param toml the scenario in TOML
     * @param source the name to give in error messages, such as a file name
     * @return the scenario
     * @throws ScenarioException if the text is not a valid scenario
     */
    public static Scenario parse(String toml, String source) throws ScenarioException {
        return ScenarioParser.parse(toml, source);
    }

    /**
     * A scenario of one request, sent again and again. Placeholders are not expanded. Unlike a
     * file's steps, its path is the whole request target: the target URL's path does not prefix
     * it (so a URL's own path and query are sent by passing them here).
     *
     * @param method an HTTP method such as {@code GET}
     * @param pathAndQuery the request target, starting with {@code /}, sent exactly as given
     * @param headers extra request headers
     * @param body the request body, if any
     * @return the scenario
     * @throws IllegalArgumentException if the method is not an HTTP method or the path does not
     *     start with {@code /}
     */
    public static Scenario request(String method, String pathAndQuery, Map<String, String> headers, Optional<String> body) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("the request path must start with \"/\", not \"" + pathAndQuery + "\"");
        }
        List<Step.Header> stepHeaders = headers.entrySet().stream()
                .map(h -> new Step.Header(h.getKey(), Template.parse(h.getValue().replace("$", "$$"))))
                .toList();
        Step.Body stepBody = body.<Step.Body>map(b -> new Step.Body.Text(Template.parse(b.replace("$", "$$"))))
                .orElse(new Step.Body.None());
        Step step = new Step("request", method.toUpperCase(java.util.Locale.ROOT) + " " + pathAndQuery, 0,
                ScenarioParser.method(method), Template.parse(pathAndQuery.replace("$", "$$")), stepHeaders, stepBody,
                Map.of(), Step.Expect.DEFAULT);
        return new Scenario("request", List.of(new Flow("request", 1, List.of(step))), Map.of(), List.of(), false);
    }

    /**
     * The scenario's name, from its file, or {@code request} for a single request.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    List<Flow> flows() {
        return flows;
    }

    Map<String, JsonNode> vars() {
        return vars;
    }

    List<Step.Header> headers() {
        return headers;
    }

    /** Whether each step's path is sent below the target URL's path, not as the whole request target. */
    boolean belowTargetPath() {
        return belowTargetPath;
    }

    /** Every step of every flow, in the order of their ids. */
    List<Step> steps() {
        return flows.stream().flatMap(f -> f.steps().stream()).toList();
    }

    /** Initial variables of a session, before built-ins. */
    Map<String, JsonNode> initialVars() {
        return new LinkedHashMap<>(vars);
    }

    static JsonNode text(String value) {
        return TextNode.valueOf(value);
    }
}
