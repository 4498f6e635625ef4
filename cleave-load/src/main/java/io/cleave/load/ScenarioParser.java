package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** Reads and checks a scenario file. Every error names file, line, flow, step and field. */
final class ScenarioParser {

    private static final List<String> TOP_FIELDS = List.of("name", "vars", "headers", "flow");
    private static final List<String> FLOW_FIELDS = List.of("name", "weight", "step");
    private static final List<String> STEP_FIELDS =
            List.of("name", "method", "path", "headers", "body", "json", "extract", "expect");
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final String source;
    private int nextStepId;

    private ScenarioParser(String source) {
        this.source = source;
    }

    static Scenario parse(Path file) throws ScenarioException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(file + ": no such file", 0);
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e.getMessage(), 0);
        }
        return parse(text, file.toString());
    }

    static Scenario parse(String toml, String source) throws ScenarioException {
        TomlParseResult result = Toml.parse(toml);
        if (result.hasErrors()) {
            TomlParseError error = result.errors().get(0);
            throw new ScenarioException(source + ":" + error.position().line() + ":" + error.position().column()
                    + ": not valid TOML: " + error.getMessage(), error.position().line());
        }
        return new ScenarioParser(source).scenario(result);
    }

    static HttpMethod method(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(upper)) {
            throw new IllegalArgumentException("\"" + name + "\" is not an HTTP method; valid: " + String.join(", ", METHODS));
        }
        return HttpMethod.valueOf(upper);
    }

    private Scenario scenario(TomlTable root) throws ScenarioException {
        Where top = new Where("", root, List.of());
        checkFields(top, TOP_FIELDS);
        String name = optionalString(top, "name").orElse(fileName());

        Map<String, JsonNode> vars = new LinkedHashMap<>();
        if (root.contains("vars")) {
            TomlTable table = table(top, "vars");
            for (String key : table.keySet()) {
                Where at = new Where("", root, List.of("vars", key));
                if (!Template.isName(key)) {
                    throw error(at, "variable name \"" + key + "\" is not valid; use letters, digits and _, starting with a letter or _");
                }
                if (Scenario.BUILT_IN.contains(key)) {
                    throw error(at, "variable \"" + key + "\" is built in; built-in variables are " + String.join(", ", Scenario.BUILT_IN));
                }
                vars.put(key, json(at, table.get(key)));
            }
        }
        Set<String> known = new LinkedHashSet<>(Scenario.BUILT_IN);
        known.addAll(vars.keySet());

        List<Step.Header> headers = root.contains("headers") ? headers(top, "headers", known) : List.of();

        if (!root.contains("flow")) {
            throw error(new Where("", root, List.of()), "no [[flow]]; a scenario needs at least one flow with at least one [[flow.step]]");
        }
        if (!root.isArray("flow") || !tables(root.getArray("flow"))) {
            throw error(new Where("", root, List.of("flow")), "field \"flow\" must be an array of tables, written [[flow]]");
        }
        TomlArray flowArray = root.getArray("flow");
        List<Scenario.Flow> flows = new ArrayList<>();
        Set<String> flowNames = new LinkedHashSet<>();
        for (int i = 0; i < flowArray.size(); i++) {
            TomlTable flowTable = flowArray.getTable(i);
            int flowLine = flowArray.inputPositionOf(i).line();
            Scenario.Flow flow = flow(flowTable, i, flowLine, known);
            if (!flowNames.add(flow.name())) {
                throw new ScenarioException(source + ":" + flowLine + ": flow \"" + flow.name()
                        + "\": another flow has the same name; flow names must be unique", flowLine);
            }
            flows.add(flow);
        }
        return new Scenario(name, flows, vars, headers, true);
    }

    private Scenario.Flow flow(TomlTable table, int index, int line, Set<String> known) throws ScenarioException {
        String label = table.isString("name") ? "flow \"" + table.getString("name") + "\"" : "flow " + (index + 1);
        Where at = new Where(label, table, List.of(), line);
        checkFields(at, FLOW_FIELDS);
        String name = optionalString(at, "name").orElse("flow" + (index + 1));
        int weight = 1;
        if (table.contains("weight")) {
            Where w = at.field("weight");
            if (!table.isLong("weight") || table.getLong("weight") < 1 || table.getLong("weight") > 1_000_000) {
                throw error(w, "field \"weight\" must be a whole number from 1 to 1000000, not " + show(table.get("weight")));
            }
            weight = table.getLong("weight").intValue();
        }
        if (!table.contains("step")) {
            throw error(at, "no steps; add at least one [[flow.step]] after this [[flow]]");
        }
        if (!table.isArray("step") || !tables(table.getArray("step"))) {
            throw error(at.field("step"), "field \"step\" must be an array of tables, written [[flow.step]]");
        }
        TomlArray stepArray = table.getArray("step");
        Set<String> defined = new LinkedHashSet<>(known);
        List<Step> steps = new ArrayList<>();
        Set<String> stepNames = new LinkedHashSet<>();
        for (int i = 0; i < stepArray.size(); i++) {
            TomlTable stepTable = stepArray.getTable(i);
            int stepLine = stepArray.inputPositionOf(i).line();
            Step step = step(name, label, stepTable, i, stepLine, defined);
            if (!stepNames.add(step.name())) {
                throw new ScenarioException(source + ":" + stepLine + ": " + label + ", step \"" + step.name()
                        + "\": another step of this flow has the same name; give each step a unique name", stepLine);
            }
            steps.add(step);
            defined.addAll(step.extract().keySet());
        }
        return new Scenario.Flow(name, weight, steps);
    }

    private Step step(String flow, String flowLabel, TomlTable table, int index, int line, Set<String> defined)
            throws ScenarioException {
        String label = flowLabel + ", step " + (table.isString("name") ? "\"" + table.getString("name") + "\"" : String.valueOf(index + 1));
        Where at = new Where(label, table, List.of(), line);
        checkFields(at, STEP_FIELDS);

        HttpMethod method = HttpMethod.GET;
        if (table.contains("method")) {
            String text = string(at, "method");
            try {
                method = method(text);
            } catch (IllegalArgumentException e) {
                throw error(at.field("method"), "field \"method\": " + e.getMessage());
            }
        }
        if (!table.contains("path")) {
            throw error(at, "field \"path\" is missing; give the request target, such as path = \"/products?page=1\"");
        }
        String pathText = string(at, "path");
        if (!pathText.startsWith("/")) {
            throw error(at.field("path"), "field \"path\" must start with \"/\", not \"" + pathText + "\" (the host comes from the command line)");
        }
        Template path = template(at.field("path"), "path", pathText, defined);
        List<Step.Header> headers = table.contains("headers") ? headers(at, "headers", defined) : List.of();

        if (table.contains("body") && table.contains("json")) {
            throw error(at.field("json"), "fields \"body\" and \"json\" cannot both be given; use json for a JSON document, body for other text");
        }
        Step.Body body = new Step.Body.None();
        if (table.contains("body")) {
            body = new Step.Body.Text(template(at.field("body"), "body", string(at, "body"), defined));
        } else if (table.contains("json")) {
            body = new Step.Body.Json(jsonTemplate(at.field("json"), "json", table.get("json"), defined));
        }

        Map<String, JsonPath> extract = new LinkedHashMap<>();
        if (table.contains("extract")) {
            TomlTable extracts = table(at, "extract");
            for (String variable : extracts.keySet()) {
                Where e = at.field("extract", variable);
                if (!Template.isName(variable)) {
                    throw error(e, "field \"extract." + variable + "\": \"" + variable
                            + "\" is not a valid variable name; use letters, digits and _, starting with a letter or _");
                }
                if (Scenario.BUILT_IN.contains(variable)) {
                    throw error(e, "field \"extract." + variable + "\": \"" + variable + "\" is a built-in variable; choose another name");
                }
                Object value = extracts.get(variable);
                if (!(value instanceof String pathSource)) {
                    throw error(e, "field \"extract." + variable + "\" must be a string holding a JSON path such as \"$.token\", not " + show(value));
                }
                try {
                    extract.put(variable, JsonPath.parse(pathSource));
                } catch (IllegalArgumentException ex) {
                    throw error(e, "field \"extract." + variable + "\": " + ex.getMessage());
                }
            }
        }

        Step.Expect expect = Step.Expect.DEFAULT;
        if (table.contains("expect")) {
            expect = expect(at.field("expect"), table.get("expect"));
        }
        String name = optionalString(at, "name").orElse(method.name() + " " + pathText);
        return new Step(flow, name, nextStepId++, method, path, headers, body, Map.copyOf(extract), expect);
    }

    private Step.Expect expect(Where at, Object value) throws ScenarioException {
        List<Object> values = new ArrayList<>();
        if (value instanceof TomlArray array) {
            for (int i = 0; i < array.size(); i++) {
                values.add(array.get(i));
            }
        } else {
            values.add(value);
        }
        int[] statuses = new int[values.size()];
        for (int i = 0; i < statuses.length; i++) {
            if (!(values.get(i) instanceof Long status) || status < 100 || status > 599) {
                throw error(at, "field \"expect\" must be a status code from 100 to 599 or an array of them, such as [200, 201]; "
                        + show(values.get(i)) + " is not one");
            }
            statuses[i] = status.intValue();
        }
        if (statuses.length == 0) {
            throw error(at, "field \"expect\" is an empty array; list at least one status code or leave it out (then 200-399 count as success)");
        }
        return new Step.Expect(statuses);
    }

    private List<Step.Header> headers(Where at, String field, Set<String> defined) throws ScenarioException {
        TomlTable table = table(at, field);
        List<Step.Header> headers = new ArrayList<>();
        for (String name : table.keySet()) {
            Where h = at.field(field, name);
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw error(h, "field \"" + field + "." + name + "\": \"" + name + "\" is not a valid header name");
            }
            Object value = table.get(name);
            if (!(value instanceof String text)) {
                throw error(h, "field \"" + field + "." + name + "\" must be a string, not " + show(value));
            }
            headers.add(new Step.Header(name, template(h, field + "." + name, text, defined)));
        }
        return headers;
    }

    private JsonTemplate jsonTemplate(Where at, String field, Object value, Set<String> defined) throws ScenarioException {
        if (value instanceof String text) {
            Template template = template(at, field, text, defined);
            return template.constant()
                    ? new JsonTemplate.Literal(TextNode.valueOf(template.expand(name -> TextNode.valueOf(""), Template.Escape.NONE)))
                    : new JsonTemplate.Text(template);
        }
        if (value instanceof TomlTable table) {
            Map<String, JsonTemplate> members = new LinkedHashMap<>();
            for (String key : table.keySet()) {
                TomlPosition position = table.inputPositionOf(key);
                Where member = position == null ? at : at.atLine(position.line());
                members.put(key, jsonTemplate(member, field + "." + key, table.get(key), defined));
            }
            return new JsonTemplate.Members(members);
        }
        if (value instanceof TomlArray array) {
            List<JsonTemplate> elements = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                elements.add(jsonTemplate(at, field + "[" + i + "]", array.get(i), defined));
            }
            return new JsonTemplate.Elements(elements);
        }
        return new JsonTemplate.Literal(json(at, value));
    }

    private Template template(Where at, String field, String text, Set<String> defined) throws ScenarioException {
        Template template;
        try {
            template = Template.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(at, "field \"" + field + "\": " + e.getMessage());
        }
        for (String variable : template.variables()) {
            if (!defined.contains(variable)) {
                throw error(at, "field \"" + field + "\": unknown variable \"" + variable + "\"" + suggestion(variable, defined)
                        + "; defined at this step: " + String.join(", ", defined)
                        + " (variables come from [vars], from extract of an earlier step of the same flow, or are built in)");
            }
        }
        return template;
    }

    private JsonNode json(Where at, Object value) throws ScenarioException {
        if (value instanceof String s) {
            return TextNode.valueOf(s);
        }
        if (value instanceof Long l) {
            return LongNode.valueOf(l);
        }
        if (value instanceof Double d) {
            return DoubleNode.valueOf(d);
        }
        if (value instanceof Boolean b) {
            return BooleanNode.valueOf(b);
        }
        if (value instanceof TomlTable || value instanceof TomlArray) {
            try {
                String json = value instanceof TomlTable t ? t.toJson() : ((TomlArray) value).toJson();
                return JsonTemplate.MAPPER.readTree(json);
            } catch (IOException e) {
                throw error(at, "cannot be turned into JSON: " + e.getMessage());
            }
        }
        throw error(at, show(value) + " cannot be used as a JSON value; use a string, number, boolean, table or array");
    }

    private static boolean tables(TomlArray array) {
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable)) {
                return false;
            }
        }
        return !array.isEmpty();
    }

    private void checkFields(Where at, List<String> valid) throws ScenarioException {
        for (String key : at.table().keySet()) {
            if (!valid.contains(key)) {
                throw error(at.field(key), "unknown field \"" + key + "\"" + suggestion(key, valid) + "; valid fields here: "
                        + String.join(", ", valid));
            }
        }
    }

    private String string(Where at, String field) throws ScenarioException {
        Object value = at.table().get(field);
        if (!(value instanceof String text)) {
            throw error(at.field(field), "field \"" + field + "\" must be a string, not " + show(value));
        }
        return text;
    }

    private java.util.Optional<String> optionalString(Where at, String field) throws ScenarioException {
        return at.table().contains(field) ? java.util.Optional.of(string(at, field)) : java.util.Optional.empty();
    }

    private TomlTable table(Where at, String field) throws ScenarioException {
        Object value = at.table().get(field);
        if (!(value instanceof TomlTable table)) {
            throw error(at.field(field), "field \"" + field + "\" must be a table, such as " + field + " = { name = \"value\" }, not "
                    + show(value));
        }
        return table;
    }

    private ScenarioException error(Where at, String message) {
        int line = at.line();
        String prefix = source + ":" + line + ": " + (at.label().isEmpty() ? "" : at.label() + ": ");
        return new ScenarioException(prefix + message, line);
    }

    private String fileName() {
        String name = Path.of(source).getFileName().toString();
        return name.endsWith(".toml") ? name.substring(0, name.length() - 5) : name;
    }

    private static String show(Object value) {
        if (value instanceof String s) {
            return "the string \"" + s + "\"";
        }
        if (value instanceof TomlTable) {
            return "a table";
        }
        if (value instanceof TomlArray) {
            return "an array";
        }
        if (value instanceof Long || value instanceof Double) {
            return "the number " + value;
        }
        return value == null ? "nothing" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
    }

    /** {@code (did you mean "x"?)} for the closest name, if it is close. */
    static String suggestion(String wrong, java.util.Collection<String> valid) {
        return valid.stream()
                .min(Comparator.comparingInt(v -> distance(wrong, v)))
                .filter(v -> distance(wrong, v) <= Math.max(1, wrong.length() / 3))
                .map(v -> " (did you mean \"" + v + "\"?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Where in the file a value is: a label for people, the table, the key path, and a fallback line. */
    private record Where(String label, TomlTable table, List<String> path, int fallbackLine) {
        Where(String label, TomlTable table, List<String> path) {
            this(label, table, path, 1);
        }

        Where field(String... keys) {
            List<String> full = new ArrayList<>(path);
            full.addAll(List.of(keys));
            return new Where(label, table, full, fallbackLine);
        }

        Where atLine(int line) {
            return new Where(label, table, List.of(), line);
        }

        int line() {
            if (!path.isEmpty()) {
                TomlPosition position = table.inputPositionOf(path);
                if (position != null) {
                    return position.line();
                }
            }
            return fallbackLine;
        }
    }
}
