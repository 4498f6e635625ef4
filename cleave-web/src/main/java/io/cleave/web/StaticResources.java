package io.cleave.web;

import io.cleave.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Class-path resources served under a URL prefix.
 *
 * @param prefix the prefix's segments
 * @param directory the class-path directory, without trailing slash
 * @param loader where to look
 */
record StaticResources(List<String> prefix, String directory, ClassLoader loader) {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"));

    /** The resource for the request path, or empty when it is not under the prefix or missing. */
    Optional<WebResponse> serve(List<String> path, boolean trailingSlash) {
        if (path.size() < prefix.size() || !path.subList(0, prefix.size()).equals(prefix)) {
            return Optional.empty();
        }
        List<String> rest = path.subList(prefix.size(), path.size());
        for (String segment : rest) {
            if (segment.equals("..") || segment.equals(".") || segment.contains("/") || segment.contains("\\")
                    || segment.indexOf('\0') >= 0) {
                return Optional.empty();
            }
        }
        String name = directory + "/" + String.join("/", rest);
        if (rest.isEmpty() || trailingSlash) {
            name = (rest.isEmpty() ? directory : name) + "/index.html";
        }
        URL url = loader.getResource(name);
        if (url == null || isDirectory(url)) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            return Optional.of(WebResponse.of(200, contentType(name), in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + name, e);
        }
    }

    private static boolean isDirectory(URL url) {
        if (!url.getProtocol().equals("file")) {
            return false;
        }
        try {
            return Files.isDirectory(Path.of(url.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return true;
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
