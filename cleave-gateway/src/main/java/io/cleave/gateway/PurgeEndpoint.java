package io.cleave.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cleave.gateway.CacheSettings.AddressBlock;
import io.cleave.gateway.EdgeCache.Purge;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /.cleave/gateway/purge} with {@code {"prefix": "/api/products"}} or
 * {@code {"path": "/api/products/SKU-1"}}: drops those responses from the edge cache (of every
 * gateway replica, with {@code redis-url}) and answers {@code {"purged": N, ...}}. Accepted only
 * from the TCP peers {@code purge-from} names (loopback by default): forwarded-for headers are not
 * believed, since anyone can send them.
 */
final class PurgeEndpoint implements Handler {

    /** A purge body is one small JSON object. */
    static final int MAX_BODY = 8 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPECTED = "expected a JSON object with \"prefix\" (drops that path and every path under"
            + " it) or \"path\" (that path alone, every query), such as {\"prefix\": \"/api/products/SKU-00001\"}";

    private final EdgeCache cache;
    private final List<AddressBlock> trusted;

    PurgeEndpoint(EdgeCache cache, List<AddressBlock> trusted) {
        this.cache = cache;
        this.trusted = trusted;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        SocketAddress peer = req.remotePeer().address();
        InetAddress address = peer instanceof InetSocketAddress a ? a.getAddress() : null;
        if (address == null || trusted.stream().noneMatch(b -> b.contains(address))) {
            error(res, 403, "purge refused: " + (address == null ? peer : address.getHostAddress())
                    + " is not in [gateway] purge-from " + trusted);
            return;
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (IOException | RuntimeException e) {
            res.header(HeaderNames.CONNECTION, "close");
            error(res, 400, "purge: the body could not be read (" + e.getMessage() + ")");
            return;
        }
        if (body.length > MAX_BODY) {
            res.header(HeaderNames.CONNECTION, "close");
            error(res, 413, "purge: the body is over " + MAX_BODY + " bytes; " + EXPECTED);
            return;
        }
        Purge purge;
        try {
            purge = parse(body);
        } catch (IllegalArgumentException e) {
            error(res, 400, e.getMessage());
            return;
        }
        EdgeCache.PurgeResult result = cache.purge(purge);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("purged", result.dropped());
        answer.put(purge.prefix() ? "prefix" : "path", purge.path());
        if (result.shared()) {
            answer.put("replicas", result.published() ? "told through Redis" : "not told: Redis did not answer");
        }
        res.status(result.shared() && !result.published() ? Status.create(502) : Status.OK_200);
        send(res, answer);
    }

    /**
     * Reads a purge body.
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    static Purge parse(byte[] body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("purge: the body is not JSON (" + e.getOriginalMessage() + "); " + EXPECTED);
        } catch (IOException e) {
            throw new IllegalArgumentException("purge: the body could not be read (" + e.getMessage() + ")");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException("purge: the body is empty; " + EXPECTED);
        }
        if (!tree.isObject()) {
            throw new IllegalArgumentException("purge: the body is a JSON "
                    + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + "; " + EXPECTED);
        }
        Optional<String> unknown = Optional.empty();
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("prefix") && !name.equals("path")) {
                unknown = Optional.of(name);
            }
        }
        if (unknown.isPresent()) {
            throw new IllegalArgumentException("purge: unknown field \"" + unknown.get() + "\"; " + EXPECTED);
        }
        if (tree.has("prefix") == tree.has("path")) {
            throw new IllegalArgumentException("purge: " + (tree.has("prefix") ? "both \"prefix\" and \"path\" given"
                    : "neither \"prefix\" nor \"path\" given") + "; " + EXPECTED);
        }
        String field = tree.has("prefix") ? "prefix" : "path";
        JsonNode value = tree.get(field);
        if (!value.isTextual() || !value.textValue().startsWith("/")) {
            throw new IllegalArgumentException("purge: \"" + field + "\" = " + value + ": expected a path starting"
                    + " with \"/\", such as \"/api/products\"");
        }
        return new Purge(field.equals("prefix"), value.textValue());
    }

    private static void error(ServerResponse res, int status, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", status);
        answer.put("error", message);
        res.status(Status.create(status));
        send(res, answer);
    }

    private static void send(ServerResponse res, ObjectNode answer) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try {
            res.send(JSON.writeValueAsBytes(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
