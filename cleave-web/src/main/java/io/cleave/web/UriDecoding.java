package io.cleave.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Percent-decoding of paths and queries; malformed input is the client's fault (400). */
final class UriDecoding {

    /** The request could not be decoded; answered with {@code 400}. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private UriDecoding() {
    }

    /** The decoded, non-empty segments of a raw path; {@code %2F} stays inside its segment. */
    static List<String> segments(String rawPath) throws Malformed {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/", -1)) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw, false));
            }
        }
        return segments;
    }

    /** The decoded parameters of a raw query string ({@code +} is a space), values in order. */
    static Map<String, List<String>> query(String rawQuery) throws Malformed {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    static String decode(String raw, boolean plusIsSpace) throws Malformed {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new Malformed("malformed percent-encoding in \"" + raw + "\"");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new Malformed("malformed percent-encoding in \"" + raw + "\"");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("percent-encoded bytes in \"" + raw + "\" are not UTF-8");
        }
    }

    /** The cookies of {@code Cookie} header values; the first of a name wins. */
    static Map<String, String> cookies(List<String> headerValues) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : headerValues) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = pair.substring(0, eq).strip();
                String value = pair.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                cookies.putIfAbsent(name, value);
            }
        }
        return cookies;
    }
}
