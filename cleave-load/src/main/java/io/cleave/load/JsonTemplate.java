package io.cleave.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A JSON document with placeholders in its strings. A string that is exactly one placeholder,
 * such as {@code "${product}"}, is replaced by the variable's JSON value (a number stays a
 * number); any other string gets the values' text spliced in and stays a string.
 */
sealed interface JsonTemplate {

    ObjectMapper MAPPER = new ObjectMapper();
    JsonFactory FACTORY = MAPPER.getFactory();

    void write(JsonGenerator out, Function<String, JsonNode> values) throws IOException;

    Set<String> variables();

    default byte[] render(Function<String, JsonNode> values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            write(out, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A value without placeholders. */
    record Literal(JsonNode value) implements JsonTemplate {
        @Override
        public void write(JsonGenerator out, Function<String, JsonNode> values) throws IOException {
            MAPPER.writeTree(out, value);
        }

        @Override
        public Set<String> variables() {
            return Set.of();
        }
    }

    /** A string with placeholders. */
    record Text(Template template) implements JsonTemplate {
        @Override
        public void write(JsonGenerator out, Function<String, JsonNode> values) throws IOException {
            String sole = template.soleVariable();
            if (sole != null) {
                MAPPER.writeTree(out, values.apply(sole));
            } else {
                out.writeString(template.expand(values, Template.Escape.NONE));
            }
        }

        @Override
        public Set<String> variables() {
            return template.variables();
        }
    }

    /** An object. */
    record Members(Map<String, JsonTemplate> members) implements JsonTemplate {
        public Members {
            members = new LinkedHashMap<>(members);
        }

        @Override
        public void write(JsonGenerator out, Function<String, JsonNode> values) throws IOException {
            out.writeStartObject();
            for (Map.Entry<String, JsonTemplate> member : members.entrySet()) {
                out.writeFieldName(member.getKey());
                member.getValue().write(out, values);
            }
            out.writeEndObject();
        }

        @Override
        public Set<String> variables() {
            Set<String> names = new LinkedHashSet<>();
            members.values().forEach(m -> names.addAll(m.variables()));
            return names;
        }
    }

    /** An array. */
    record Elements(List<JsonTemplate> elements) implements JsonTemplate {
        public Elements {
            elements = List.copyOf(elements);
        }

        @Override
        public void write(JsonGenerator out, Function<String, JsonNode> values) throws IOException {
            out.writeStartArray();
            for (JsonTemplate element : elements) {
                element.write(out, values);
            }
            out.writeEndArray();
        }

        @Override
        public Set<String> variables() {
            Set<String> names = new LinkedHashSet<>();
            elements.forEach(e -> names.addAll(e.variables()));
            return names;
        }
    }
}
