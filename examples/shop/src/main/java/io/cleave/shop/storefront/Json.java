package io.cleave.shop.storefront;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cleave.HttpError;
import io.cleave.WebRequest;
import io.cleave.WebResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** JSON in and out of the API, with client errors that name the field at fault. */
final class Json {

    // strict: "3" is not an int, 1.5 is not an int, a field given twice is an error (not the last one winning)
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .withCoercionConfig(LogicalType.Textual, text -> text
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private static final Pattern JSON_MEDIA_TYPE = Pattern.compile(
            "\\s*application/([a-z0-9.+-]+\\+)?json\\s*(;.*)?", Pattern.CASE_INSENSITIVE);

    private Json() {
    }

    /**
     * Reads the request body as {@code type}.
     *
     * @throws HttpError 415 if the body is not declared JSON; 400 if it is empty, not JSON, has a
     *     field twice, or does not fit the type (no coercion of strings or fractions to numbers)
     */
    static <T> T read(WebRequest request, Class<T> type) {
        String contentType = request.header("content-type").orElse("");
        if (!JSON_MEDIA_TYPE.matcher(contentType).matches()) {
            throw new HttpError(415, contentType.isEmpty()
                    ? "the request body needs Content-Type: application/json"
                    : "Content-Type \"" + contentType + "\" is not JSON; send application/json");
        }
        if (request.body().length == 0) {
            throw new HttpError(400, "the request needs a JSON body");
        }
        try {
            T value = MAPPER.readValue(request.body(), type);
            if (value == null) {
                throw new HttpError(400, "the request body must be a JSON object, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new HttpError(400, "unknown field \"" + e.getPropertyName() + "\"; expected "
                    + e.getKnownPropertyIds().stream().map(id -> "\"" + id + "\"").sorted().collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            String field = path(e);
            throw new HttpError(400, field.isEmpty()
                    ? "the request body must be a JSON object"
                    : "field \"" + field + "\" has the wrong type" + expected(e.getTargetType()));
        } catch (StreamReadException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                // Jackson: Duplicate field 'quantity'
                String field = e.getOriginalMessage().replaceFirst("^Duplicate field '(.*)'$", "$1");
                throw new HttpError(400, "field \"" + field + "\" appears more than once");
            }
            throw new HttpError(400, "the request body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the request body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new HttpError(400, "the request body cannot be read: " + e.getMessage());
        }
    }

    /** Serializes a value as a {@code 200} JSON response. */
    static WebResponse ok(Object value) {
        return respond(200, value);
    }

    /** Serializes a value as a JSON response with the given status. */
    static WebResponse respond(int status, Object value) {
        try {
            return WebResponse.json(MAPPER.writeValueAsString(value)).withStatus(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName() + " as JSON", e);
        }
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return ": expected an integer";
        }
        if (type == String.class) {
            return ": expected a string";
        }
        if (type == java.math.BigDecimal.class) {
            return ": expected a number";
        }
        return "";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
