package io.cleave.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.spi.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeCacheTest {

    private static final String ROUTES = "access-log = false\n"
            + "[gateway.routes.\"/api/products\"]\ncache-ttl = \"30s\"\ncache-stale = \"10s\"\n"
            + "[gateway.routes.\"/api/public\"]\ncache-ttl = \"30s\"\ncache-with-cookies = true\n";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private Origin origin;
    private FrontDoor gateway;

    @BeforeEach
    void start() throws Exception {
        origin = new Origin();
        gateway = Gateways.start("edge", ROUTES, List.of(origin.uri()), clock::get);
    }

    @AfterEach
    void stop() {
        gateway.close();
        origin.close();
    }

    @Test
    void aSecondRequestIsAnsweredFromTheCache() throws Exception {
        HttpResponse<String> first = get("/api/products/SKU-1");
        HttpResponse<String> second = get("/api/products/SKU-1");

        assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(second.body()).isEqualTo(first.body()).isEqualTo("/api/products/SKU-1 v1");
        assertThat(second.headers().firstValue("age")).hasValue("0");
        assertThat(second.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).startsWith("\""));
        assertThat(origin.requests("/api/products/SKU-1")).isEqualTo(1);
    }

    @Test
    void aPathOutsideTheCachedRoutesAlwaysGoesUpstream() throws Exception {
        get("/api/cart");
        HttpResponse<String> second = get("/api/cart");

        assertThat(second.headers().firstValue("x-cache")).isEmpty();
        assertThat(origin.requests("/api/cart")).isEqualTo(2);
    }

    @Test
    void theQueryStringIsPartOfTheKey() throws Exception {
        get("/api/products?q=a");
        HttpResponse<String> other = get("/api/products?q=b");
        HttpResponse<String> again = get("/api/products?q=a");

        assertThat(other.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(again.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(origin.requests("/api/products")).isEqualTo(2);
    }

    @Test
    void anEntryExpiresAfterTheRouteTtlAndStaleWindow() throws Exception {
        get("/api/products/SKU-1");

        clock.addAndGet(Duration.ofSeconds(40).toNanos()); // 30 s fresh + 10 s stale
        HttpResponse<String> later = get("/api/products/SKU-1");

        assertThat(later.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(later.body()).isEqualTo("/api/products/SKU-1 v2");
        assertThat(origin.requests("/api/products/SKU-1")).isEqualTo(2);
    }

    @Test
    void anAgeGrowsWithTheClock() throws Exception {
        get("/api/products/SKU-1");

        clock.addAndGet(Duration.ofSeconds(12).toNanos());
        HttpResponse<String> hit = get("/api/products/SKU-1");

        assertThat(hit.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(hit.headers().firstValue("age")).hasValue("12");
    }

    @Test
    void theAppsShorterMaxAgeWinsOverTheRouteTtl() throws Exception {
        origin.answer("/api/products/short", Origin.Answer.headers(Map.of("Cache-Control", "public, max-age=5")));
        get("/api/products/short");

        clock.addAndGet(Duration.ofSeconds(4).toNanos());
        HttpResponse<String> fresh = get("/api/products/short");
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        HttpResponse<String> stale = get("/api/products/short");

        assertThat(fresh.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(stale.headers().firstValue("x-cache")).hasValue("STALE");
    }

    @Test
    void staleIsServedWhileOneBackgroundRequestRefreshesIt() throws Exception {
        String path = "/api/products/SKU-2";
        get(path);
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        origin.hold(path);

        List<HttpResponse<String>> stale = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stale.add(get(path));
        }
        Await.until(Duration.ofSeconds(10), "the refresh reaches the origin", () -> origin.waiting.get() == 1);
        origin.release();
        Await.until(Duration.ofSeconds(10), "the refresh is kept", () -> gateway.cache().refreshing() == 0);
        HttpResponse<String> refreshed = get(path);

        assertThat(stale).allSatisfy(r -> {
            assertThat(r.headers().firstValue("x-cache")).hasValue("STALE");
            assertThat(r.body()).isEqualTo(path + " v1");
        });
        assertThat(refreshed.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(refreshed.body()).isEqualTo(path + " v2");
        assertThat(origin.requests(path)).isEqualTo(2);
    }

    @Test
    void aRefreshAnsweredWithAServerErrorLeavesTheStaleCopyServed() throws Exception {
        String path = "/api/products/SKU-3";
        get(path);
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        origin.answer(path, new Origin.Answer(503, Map.of("Retry-After", "1"), "shedding".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> first = get(path); // stale, and its refresh is answered 503
        Await.until(Duration.ofSeconds(10), "the refresh answered", () -> origin.requests(path) == 2
                && gateway.cache().refreshing() == 0);
        HttpResponse<String> second = get(path);

        for (HttpResponse<String> r : List.of(first, second)) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-cache")).hasValue("STALE");
            assertThat(r.body()).isEqualTo(path + " v1");
        }
        // the app is back: the next refresh replaces the copy
        origin.answer(path, Origin.Answer.headers(Map.of()));
        Await.until(Duration.ofSeconds(10), "a refresh kept", () -> unchecked(path).headers().firstValue("x-cache")
                .orElse("").equals("HIT"));
        assertThat(get(path).body()).startsWith(path + " v");
        assertThat(get(path).body()).isNotEqualTo(path + " v1");
    }

    @Test
    void manyKeysGoingStaleAtOnceAreRefreshedAFewAtATime() throws Exception {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            paths.add("/api/products/SKU-B" + i);
        }
        for (String path : paths) {
            get(path);
        }
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        paths.forEach(origin::hold);

        for (String path : paths) {
            assertThat(get(path).headers().firstValue("x-cache")).hasValue("STALE");
        }

        // each answer above started its key's refresh or found every slot taken, before it returned
        assertThat(gateway.cache().refreshing()).isEqualTo(EdgeCache.MAX_REFRESHES);
        Await.until(Duration.ofSeconds(10), "the refreshes at the origin", () -> origin.waiting.get() == EdgeCache.MAX_REFRESHES);
        origin.release();
        Await.until(Duration.ofSeconds(10), "the refreshes kept", () -> gateway.cache().refreshing() == 0);
        assertThat(paths.stream().mapToInt(origin::requests).sum()).isEqualTo(paths.size() + EdgeCache.MAX_REFRESHES);
        // the keys left stale are refreshed by their next requests
        Await.until(Duration.ofSeconds(10), "every key refreshed once", () -> {
            paths.stream().filter(p -> origin.requests(p) < 2).forEach(this::unchecked);
            return gateway.cache().refreshing() == 0 && paths.stream().allMatch(p -> origin.requests(p) == 2);
        });
    }

    @Test
    void mustRevalidateIsNeverServedStale() throws Exception {
        origin.answer("/api/products/strict", Origin.Answer.headers(Map.of("Cache-Control", "must-revalidate")));
        get("/api/products/strict");

        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        HttpResponse<String> later = get("/api/products/strict");

        assertThat(later.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(origin.requests("/api/products/strict")).isEqualTo(2);
    }

    @Test
    void responsesTheAppForbidsToKeepAreNotKept() throws Exception {
        Map<String, Map<String, String>> refused = Map.of(
                "/api/products/no-store", Map.of("Cache-Control", "no-store"),
                "/api/products/private", Map.of("Cache-Control", "private, max-age=60"),
                "/api/products/no-cache", Map.of("Cache-Control", "no-cache"),
                "/api/products/cookie", Map.of("Set-Cookie", "sid=abc"),
                "/api/products/vary", Map.of("Vary", "Accept-Encoding, Cookie"));
        refused.forEach((path, headers) -> origin.answer(path, Origin.Answer.headers(headers)));

        for (String path : refused.keySet()) {
            get(path);
            HttpResponse<String> second = get(path);

            assertThat(second.headers().firstValue("x-cache")).as(path).hasValue("MISS");
            assertThat(origin.requests(path)).as(path).isEqualTo(2);
        }
    }

    @Test
    void onlyStatusesRfc9111CallsCacheableByDefaultAreKept() throws Exception {
        origin.answer("/api/products/gone", new Origin.Answer(404, Map.of(), new byte[0]));
        origin.answer("/api/products/broken", new Origin.Answer(500, Map.of(), new byte[0]));

        get("/api/products/gone");
        HttpResponse<String> gone = get("/api/products/gone");
        get("/api/products/broken");
        HttpResponse<String> broken = get("/api/products/broken");

        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(origin.requests("/api/products/broken")).isEqualTo(2);
    }

    @Test
    void requestsWithCredentialsBypassTheCache() throws Exception {
        get("/api/products/SKU-3");

        HttpResponse<String> bearer = send(request("/api/products/SKU-3").header("Authorization", "Bearer t").build());
        HttpResponse<String> cookie = send(request("/api/products/SKU-3").header("Cookie", "sid=s1").build());

        assertThat(bearer.headers().firstValue("x-cache")).hasValue("BYPASS");
        assertThat(cookie.headers().firstValue("x-cache")).hasValue("BYPASS");
        assertThat(origin.requests("/api/products/SKU-3")).isEqualTo(3);
    }

    @Test
    void aRouteWithCacheWithCookiesAnswersRequestsWithCookiesFromTheCache() throws Exception {
        send(request("/api/public/a").header("Cookie", "sid=s1").build());

        HttpResponse<String> other = send(request("/api/public/a").header("Cookie", "sid=s2").build());
        HttpResponse<String> bearer = send(request("/api/public/a").header("Authorization", "Bearer t").build());

        assertThat(other.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(bearer.headers().firstValue("x-cache")).hasValue("BYPASS");
        assertThat(origin.requests("/api/public/a")).isEqualTo(2);
    }

    @Test
    void ifNoneMatchWithTheKeptEtagIsAnswered304FromTheCache() throws Exception {
        get("/api/products/SKU-4");
        String etag = get("/api/products/SKU-4").headers().firstValue("etag").orElseThrow();

        HttpResponse<String> revalidated = send(request("/api/products/SKU-4").header("If-None-Match", etag).build());
        HttpResponse<String> otherTag = send(request("/api/products/SKU-4").header("If-None-Match", "\"x\"").build());

        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.body()).isEmpty();
        assertThat(revalidated.headers().firstValue("etag")).hasValue(etag);
        assertThat(revalidated.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(otherTag.statusCode()).isEqualTo(200);
        assertThat(origin.requests("/api/products/SKU-4")).isEqualTo(1);
    }

    @Test
    void theUpstreamsEtagIsKeptAsItSentIt() throws Exception {
        origin.answer("/api/products/tagged", Origin.Answer.headers(Map.of("ETag", "W/\"v1\"")));
        get("/api/products/tagged");

        HttpResponse<String> revalidated = send(request("/api/products/tagged").header("If-None-Match", "\"v1\"").build());

        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.headers().firstValue("etag")).hasValue("W/\"v1\"");
    }

    @Test
    void headIsAnsweredFromAKeptGet() throws Exception {
        get("/api/products/SKU-5");

        HttpResponse<String> head = send(request("/api/products/SKU-5").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf("/api/products/SKU-5 v1".length()));
        assertThat(origin.requests("/api/products/SKU-5")).isEqualTo(1);
    }

    @Test
    void aBodyOverTheLimitIsStreamedAndNotKept() throws Exception {
        byte[] big = new byte[EdgeCache.MAX_BODY + 1];
        Arrays.fill(big, (byte) 'x');
        origin.answer("/api/products/big", new Origin.Answer(200, Map.of(), big));

        get("/api/products/big");
        HttpResponse<String> second = get("/api/products/big");

        assertThat(second.body()).hasSize(big.length);
        assertThat(second.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(origin.requests("/api/products/big")).isEqualTo(2);
    }

    @Test
    void fiftyConcurrentColdRequestsMakeOneUpstreamRequest() throws Exception {
        String path = "/api/products/cold";
        origin.hold(path);

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(http.sendAsync(request(path).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until(Duration.ofSeconds(20), "one request upstream, 49 waiting for it",
                () -> origin.waiting.get() == 1 && gateway.cache().waiting() == 49);
        origin.release();
        List<HttpResponse<String>> answered = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> r : responses) {
            answered.add(r.get(20, java.util.concurrent.TimeUnit.SECONDS));
        }

        assertThat(answered).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(path + " v1");
        });
        assertThat(answered).filteredOn(r -> r.headers().firstValue("x-cache").orElse("").equals("MISS")).hasSize(1);
        assertThat(origin.requests(path)).isEqualTo(1);
    }

    @Test
    void requestsWaitingForAResponseThatCannotBeKeptAskTheUpstreamThemselves() throws Exception {
        String path = "/api/products/personal";
        origin.answer(path, Origin.Answer.headers(Map.of("Set-Cookie", "sid=abc")));
        origin.hold(path);

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(http.sendAsync(request(path).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Await.until(Duration.ofSeconds(20), "one request upstream, 2 waiting for it",
                () -> origin.waiting.get() == 1 && gateway.cache().waiting() == 2);
        origin.release();
        for (CompletableFuture<HttpResponse<String>> r : responses) {
            assertThat(r.get(20, java.util.concurrent.TimeUnit.SECONDS).headers().allValues("set-cookie"))
                    .containsExactly("sid=abc");
        }

        assertThat(origin.requests(path)).isEqualTo(3);
    }

    @Test
    void aPurgeDropsThePathAndWhatIsUnderIt() throws Exception {
        get("/api/products/SKU-6");
        get("/api/products/SKU-6/reviews");
        get("/api/products/SKU-60");

        HttpResponse<String> purged = purge(gateway, "{\"prefix\": \"/api/products/SKU-6\"}");
        HttpResponse<String> after = get("/api/products/SKU-6");
        HttpResponse<String> sibling = get("/api/products/SKU-60");

        assertThat(purged.statusCode()).isEqualTo(200);
        assertThat(purged.body()).isEqualTo("{\"purged\":2,\"prefix\":\"/api/products/SKU-6\"}");
        assertThat(after.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(after.body()).isEqualTo("/api/products/SKU-6 v2");
        assertThat(sibling.headers().firstValue("x-cache")).hasValue("HIT");
    }

    @Test
    void aPurgeOfAPathDropsEveryQueryOfThatPathAlone() throws Exception {
        get("/api/products?q=a");
        get("/api/products?q=b");
        get("/api/products/SKU-7");

        HttpResponse<String> purged = purge(gateway, "{\"path\": \"/api/products\"}");

        assertThat(purged.body()).isEqualTo("{\"purged\":2,\"path\":\"/api/products\"}");
        assertThat(get("/api/products/SKU-7").headers().firstValue("x-cache")).hasValue("HIT");
    }

    @Test
    void aBadPurgeIsRefusedSayingWhatIsExpected() throws Exception {
        Map<String, String> refused = Map.of(
                "{prefix: 1", "purge: the body is not JSON (",
                "[\"/api\"]", "purge: the body is a JSON array; expected a JSON object with \"prefix\"",
                "{\"prefix\": 5}", "purge: \"prefix\" = 5: expected a path starting with \"/\"",
                "{\"prefix\": \"/a\", \"path\": \"/b\"}", "purge: both \"prefix\" and \"path\" given",
                "{\"prefx\": \"/a\"}", "purge: unknown field \"prefx\"",
                "", "purge: the body is empty");

        for (Map.Entry<String, String> e : refused.entrySet()) {
            HttpResponse<String> r = purge(gateway, e.getKey());

            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(r.body()).as(e.getKey()).contains(e.getValue().replace("\"", "\\\""));
        }
    }

    @Test
    void aPurgeFromAnAddressOutsidePurgeFromIsRefused() throws Exception {
        try (FrontDoor strict = Gateways.start("strict", ROUTES.replace("access-log = false\n",
                "access-log = false\npurge-from = [\"10.0.0.0/8\"]\n"), List.of(origin.uri()), clock::get)) {
            HttpResponse<String> refused = purge(strict, "{\"prefix\": \"/\"}");

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("purge refused: 127.0.0.1 is not in [gateway] purge-from [10.0.0.0/8]");
        }
    }

    @Test
    void aPurgeReachesEveryGatewaySharingRedis() throws Exception {
        String application = "edge-" + UUID.randomUUID(); // the purge channel: this run's alone
        String toml = ROUTES + "";
        String shared = "redis-url = \"redis://127.0.0.1:6379\"\n" + toml;
        try (FrontDoor one = Gateways.start(application, shared, List.of(origin.uri()), clock::get);
                FrontDoor two = Gateways.start(application, shared, List.of(origin.uri()), clock::get)) {
            String path = "/api/products/SKU-8";
            send(HttpRequest.newBuilder(Gateways.web(one, path)).build());
            send(HttpRequest.newBuilder(Gateways.web(two, path)).build());
            // an answer is kept once its body went out to the client, a moment after the client has it
            Await.until(Duration.ofSeconds(10), "both gateways keep the answer",
                    () -> one.cache().responses() == 1 && two.cache().responses() == 1);

            HttpResponse<String> purged = purge(one, "{\"path\": \"" + path + "\"}");
            Await.until(Duration.ofSeconds(10), "the purge reaches the other gateway", () -> two.cache().responses() == 0);
            HttpResponse<String> after = send(HttpRequest.newBuilder(Gateways.web(two, path)).build());

            assertThat(purged.body()).contains("\"purged\":1").contains("told through Redis");
            assertThat(after.headers().firstValue("x-cache")).hasValue("MISS");
            assertThat(origin.requests(path)).isEqualTo(3);
        }
    }

    private HttpResponse<String> purge(FrontDoor target, String json) throws Exception {
        return send(HttpRequest.newBuilder(Gateways.web(target, EdgeCache.PURGE_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(Gateways.web(gateway, path)).timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> unchecked(String path) {
        try {
            return get(path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(request(path).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
