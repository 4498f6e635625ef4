package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One request of a flow: what to send (templates over the session's variables), which statuses
 * count as success, and which values to take from the JSON response into variables.
 *
 * @param id position among all steps of the scenario, for per-step statistics
 */
record Step(
        String flow,
        String name,
        int id,
        HttpMethod method,
        Template path,
        List<Header> headers,
        Body body,
        Map<String, JsonPath> extract,
        Expect expect) {

    /** A request header whose value is a template. */
    record Header(String name, Template value) {}

    /** Which response statuses count as success. */
    record Expect(int[] statuses) {
        /** Any status from 200 to 399. */
        static final Expect DEFAULT = new Expect(new int[0]);

        boolean accepts(int status) {
            if (statuses.length == 0) {
                return status >= 200 && status < 400;
            }
            for (int accepted : statuses) {
                if (accepted == status) {
                    return true;
                }
            }
            return false;
        }
    }

    /** True if the request is the same every time: no placeholder anywhere. */
    boolean constant() {
        return path.constant() && headers.stream().allMatch(h -> h.value().constant()) && body.constant();
    }

    /** True if the response body must be kept, to extract from it. */
    boolean needsBody() {
        return !extract.isEmpty();
    }

    /** The request body of a step. */
    sealed interface Body {
        boolean constant();

        /** Bytes to send, given the variables. */
        byte[] render(Function<String, JsonNode> values);

        /** The content type to send unless a header says otherwise; empty when no body. */
        String contentType();

        /** No body. */
        record None() implements Body {
            @Override
            public boolean constant() {
                return true;
            }

            @Override
            public byte[] render(Function<String, JsonNode> values) {
                return new byte[0];
            }

            @Override
            public String contentType() {
                return "";
            }
        }

        /** Text with placeholders replaced as they are. */
        record Text(Template template) implements Body {
            @Override
            public boolean constant() {
                return template.constant();
            }

            @Override
            public byte[] render(Function<String, JsonNode> values) {
                return template.expand(values, Template.Escape.NONE).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public String contentType() {
                return "text/plain; charset=utf-8";
            }
        }

        /** A JSON document built from a TOML value. */
        record Json(JsonTemplate template) implements Body {
            @Override
            public boolean constant() {
                return template.variables().isEmpty();
            }

            @Override
            public byte[] render(Function<String, JsonNode> values) {
                return template.render(values);
            }

            @Override
            public String contentType() {
                return "application/json";
            }
        }
    }
}
