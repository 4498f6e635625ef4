package io.cleave;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A cookie to set in a {@link WebResponse}, rendered as one {@code Set-Cookie} header.
 *
 * @param name the cookie's name: an HTTP token
 * @param value the value: printable ASCII without spaces, quotes, commas, semicolons or
 *     backslashes (encode anything else, for example in Base64url)
 * @param path the path the browser sends it for, such as {@code /}
 * @param maxAge how long the browser keeps it; empty for the browser session; zero deletes it
 * @param httpOnly whether scripts in the page cannot read it
 * @param secure whether the browser sends it only over HTTPS
 * @param sameSite {@code Strict}, {@code Lax} or {@code None}
 */
public record Cookie(String name, String value, String path, Optional<Duration> maxAge, boolean httpOnly,
        boolean secure, String sameSite) {

    /**
     * Validates the cookie.
     *
     * @throws IllegalArgumentException if a part has characters a {@code Set-Cookie} header
     *     cannot carry, the max age is negative, or {@code sameSite} is not one of the three
     */
    public Cookie {
        Objects.requireNonNull(maxAge, "maxAge");
        if (name.isEmpty() || !name.chars().allMatch(Cookie::isTokenChar)) {
            throw new IllegalArgumentException("cookie name \"" + name + "\" must be a non-empty HTTP token");
        }
        if (!value.chars().allMatch(Cookie::isValueChar)) {
            throw new IllegalArgumentException("value of cookie \"" + name
                    + "\" has a character a cookie cannot carry (space, quote, comma, semicolon, backslash or non-ASCII)");
        }
        if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';')) {
            throw new IllegalArgumentException("path of cookie \"" + name + "\" must be an absolute path without ';', got \"" + path + "\"");
        }
        if (maxAge.isPresent() && maxAge.get().isNegative()) {
            throw new IllegalArgumentException("max age of cookie \"" + name + "\" must not be negative");
        }
        if (!sameSite.equals("Strict") && !sameSite.equals("Lax") && !sameSite.equals("None")) {
            throw new IllegalArgumentException("sameSite of cookie \"" + name + "\" must be Strict, Lax or None, got \"" + sameSite + "\"");
        }
    }

    /**
     * A session cookie for the whole site, hidden from scripts, {@code SameSite=Lax}.
     *
     * @param name the name
     * @param value the value
     * @return the cookie
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static Cookie of(String name, String value) {
        return new Cookie(name, value, "/", Optional.empty(), true, false, "Lax");
    }

    /**
     * A cookie that tells the browser to delete the cookie of that name (for path {@code /}).
     *
     * @param name the name
     * @return the cookie
     * @throws IllegalArgumentException if the name is not an HTTP token
     */
    public static Cookie expired(String name) {
        return new Cookie(name, "", "/", Optional.of(Duration.ZERO), true, false, "Lax");
    }

    /**
     * This cookie, kept by the browser for {@code maxAge}.
     *
     * @param maxAge how long; zero deletes the cookie
     * @return the new cookie
     * @throws IllegalArgumentException if negative
     */
    public Cookie withMaxAge(Duration maxAge) {
        return new Cookie(name, value, path, Optional.of(maxAge), httpOnly, secure, sameSite);
    }

    /**
     * This cookie, sent by the browser only over HTTPS (or not).
     *
     * @param secure whether only over HTTPS
     * @return the new cookie
     */
    public Cookie withSecure(boolean secure) {
        return new Cookie(name, value, path, maxAge, httpOnly, secure, sameSite);
    }

    /**
     * The value of the {@code Set-Cookie} header for this cookie.
     *
     * @return such as {@code sid=abc; Path=/; HttpOnly; SameSite=Lax}
     */
    public String headerValue() {
        StringBuilder sb = new StringBuilder(name).append('=').append(value).append("; Path=").append(path);
        maxAge.ifPresent(age -> sb.append("; Max-Age=").append(age.toSeconds()));
        if (httpOnly) {
            sb.append("; HttpOnly");
        }
        if (secure) {
            sb.append("; Secure");
        }
        return sb.append("; SameSite=").append(sameSite).toString();
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static boolean isValueChar(int c) {
        return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
    }
}
