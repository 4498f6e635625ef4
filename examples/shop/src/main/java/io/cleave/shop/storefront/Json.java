package io.cleave.shop.storefront;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cleave.HttpError;
import io.cleave.WebRequest;
import io.cleave.WebResponse;
import java.io.IOException;
import java.util.stream.Collectors;

/** JSON in and out of the API, with client errors that name the field at fault. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {
    }

    /**
     * Reads the request body as {@code type}.
     *
     * @throws HttpError 400 if the body is empty, not JSON, or does not fit the type
     */
    static <T> T read(WebRequest request, Class<T> type) {
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
                    : "field \"" + field + "\" has the wrong type");
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

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
