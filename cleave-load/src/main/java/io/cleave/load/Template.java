package io.cleave.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Text with {@code ${name}} placeholders. {@code $$} writes a literal {@code $}. Parsed once;
 * expansion only concatenates.
 */
final class Template {

    /** How a value is written into the text. */
    enum Escape {
        /** As is. */
        NONE,
        /** Percent-encoded, keeping only RFC 3986 unreserved characters, for paths and queries. */
        URL
    }

    private final String source;
    private final String[] literals;
    private final String[] names;

    private Template(String source, String[] literals, String[] names) {
        this.source = source;
        this.literals = literals;
        this.names = names;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the fault, for an unclosed or empty placeholder
     */
    static Template parse(String source) {
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '$' && i + 1 < source.length() && source.charAt(i + 1) == '$') {
                literal.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < source.length() && source.charAt(i + 1) == '{') {
                int close = source.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("\"${\" at position " + (i + 1) + " is not closed by \"}\"");
                }
                String name = source.substring(i + 2, close).strip();
                if (!isName(name)) {
                    throw new IllegalArgumentException("\"${" + source.substring(i + 2, close)
                            + "}\" is not a variable; names are letters, digits and _, starting with a letter or _");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                names.add(name);
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        return new Template(source, literals.toArray(String[]::new), names.toArray(String[]::new));
    }

    static boolean isName(String name) {
        if (name.isEmpty() || !(Character.isLetter(name.charAt(0)) || name.charAt(0) == '_')) {
            return false;
        }
        return name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_');
    }

    /** True if the text has no placeholder. */
    boolean constant() {
        return names.length == 0;
    }

    /** The placeholder names, in order of first use. */
    Set<String> variables() {
        return new LinkedHashSet<>(List.of(names));
    }

    /** The single placeholder name, if the whole text is exactly one placeholder. */
    String soleVariable() {
        return names.length == 1 && literals[0].isEmpty() && literals[1].isEmpty() ? names[0] : null;
    }

    String source() {
        return source;
    }

    /** The text with every placeholder replaced by its value. */
    String expand(Function<String, JsonNode> values, Escape escape) {
        if (names.length == 0) {
            return literals[0];
        }
        StringBuilder out = new StringBuilder(source.length() + 16);
        for (int i = 0; i < names.length; i++) {
            out.append(literals[i]);
            String text = text(values.apply(names[i]));
            out.append(escape == Escape.URL ? percentEncode(text) : text);
        }
        return out.append(literals[names.length]).toString();
    }

    /** A value as text: strings without quotes, everything else as JSON. */
    static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static String percentEncode(String text) {
        StringBuilder out = null;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '.' || b == '_' || b == '~';
            if (unreserved) {
                if (out != null) {
                    out.append((char) b);
                }
            } else {
                if (out == null) {
                    out = new StringBuilder(bytes.length * 3);
                    for (int j = 0; j < i; j++) {
                        out.append((char) bytes[j]);
                    }
                }
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out == null ? text : out.toString();
    }
}
