package io.cleave.legacy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** The shop's JSON: strict reading (no field twice, nothing after the value), plain writing. */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /**
     * Reads a request body that must be one JSON object.
     *
     * @param body the body's bytes (UTF-8)
     * @return the object
     * @throws HttpError {@code 400} naming what is malformed and where (line and column)
     */
    static JsonNode readObject(byte[] body) throws HttpError {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new HttpError(400, "malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from an array does no I/O
        }
        if (node == null || node.isMissingNode()) {
            throw new HttpError(400, "the body is empty; send a JSON object");
        }
        if (!node.isObject()) {
            throw new HttpError(400, "the body is a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)
                    + "; send a JSON object");
        }
        return node;
    }

    /** {@code value} as JSON; records and maps write as objects. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }
}
