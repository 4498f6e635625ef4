package io.cleave.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.BindException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The legacy shop's routes, over a real socket, against a shop in this JVM on a fresh data directory. */
class LegacyShopTest {

    @TempDir
    Path data;

    private LegacyShop shop;
    private ShopClient client;

    @BeforeEach
    void start() throws Exception {
        shop = LegacyShop.start(new Options(0, data));
        client = new ShopClient(shop.uri());
    }

    @AfterEach
    void stop() {
        shop.close();
    }

    private void restart() throws Exception {
        shop.close();
        shop = LegacyShop.start(new Options(0, data));
        client = new ShopClient(shop.uri());
    }

    @Test
    void listsTheSeededCatalog() {
        HttpResponse<String> response = client.get("/api/products");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode products = ShopClient.json(response).get("products");
        assertThat(products).hasSize(12);
        JsonNode first = products.get(0);
        assertThat(first.get("id").asLong()).isEqualTo(1);
        assertThat(first.get("name").asText()).isEqualTo("Enamel camping mug");
        assertThat(first.get("priceCents").asLong()).isEqualTo(1299);
        assertThat(first.get("stock").asInt()).isEqualTo(40);
    }

    @Test
    void filtersProductsByNameIgnoringCase() {
        HttpResponse<String> response = client.get("/api/products?q=CAST");

        assertThat(names(response)).containsExactly("Cast-iron skillet");
    }

    @Test
    void decodesTheQuery() {
        HttpResponse<String> response = client.get("/api/products?q=tea%20towel");

        assertThat(names(response)).containsExactly("Linen tea towel");
    }

    @Test
    void matchesLikeWildcardsInTheQueryLiterally() {
        HttpResponse<String> response = client.get("/api/products?q=%25");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(names(response)).isEmpty();
    }

    @Test
    void answersOneProductById() {
        HttpResponse<String> response = client.get("/api/products/4");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ShopClient.json(response).get("name").asText()).isEqualTo("Brass desk lamp");
    }

    @Test
    void answersAnUnknownProductWith404Json() {
        HttpResponse<String> response = client.get("/api/products/999");

        assertError(response, 404, "no product 999");
    }

    @Test
    void answersANonNumericProductIdWith404Json() {
        HttpResponse<String> response = client.get("/api/products/mug");

        assertError(response, 404, "no product \"mug\": product ids are whole numbers");
    }

    @Test
    void aboutPageSaysItIsTheLegacyShop() {
        HttpResponse<String> response = client.get("/about");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.body()).contains("<h1>The legacy shop</h1>");
    }

    @Test
    void healthAnswersOk() {
        HttpResponse<String> response = client.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void marksEveryResponseServedByLegacy() {
        List<HttpResponse<String>> responses = new ArrayList<>();

        responses.add(client.get("/api/products"));
        responses.add(client.get("/api/products/1"));
        responses.add(client.get("/api/products/999"));
        responses.add(client.get("/about"));
        responses.add(client.get("/health"));
        responses.add(client.get("/api/newsletter/count"));
        responses.add(client.signUp("ada@example.com"));
        responses.add(client.get("/api/newsletter"));
        responses.add(client.get("/no/such/route"));
        responses.add(client.post("/api/newsletter", "text/plain", "ada@example.com"));

        assertThat(responses).extracting(r -> r.statusCode()).containsExactly(200, 200, 404, 200, 200, 200, 201, 405, 404, 415);
        assertThat(responses).allSatisfy(r -> assertThat(r.headers().firstValue("X-Served-By")).hasValue("legacy"));
    }

    @Test
    void answersAnUnknownRouteWith404Json() {
        HttpResponse<String> response = client.get("/api/orders");

        assertError(response, 404, "no route for GET /api/orders");
    }

    @Test
    void signsUpAnAddressOnceHoweverOftenItIsSent() {
        HttpResponse<String> first = client.signUp("ada@example.com");
        HttpResponse<String> second = client.signUp("ada@example.com");
        HttpResponse<String> differentCase = client.signUp(" Ada@Example.COM ");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(differentCase.statusCode()).isEqualTo(200);
        assertThat(List.of(first, second, differentCase)).allSatisfy(r ->
                assertThat(r.body()).isEqualTo("{\"email\":\"ada@example.com\",\"subscribed\":true}"));
        assertThat(client.subscribers()).isEqualTo(1);
    }

    @Test
    void storesAnAddressSentConcurrentlyOnce() throws Exception {
        List<Integer> statuses;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> signups = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                signups.add(executor.submit(() -> client.signUp("ada@example.com").statusCode()));
            }
            statuses = new ArrayList<>();
            for (Future<Integer> signup : signups) {
                statuses.add(signup.get(ShopClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        }

        assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
        assertThat(client.subscribers()).isEqualTo(1);
    }

    @Test
    void countsSubscribers() {
        client.signUp("ada@example.com");
        client.signUp("grace@example.org");

        HttpResponse<String> response = client.get("/api/newsletter/count");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"count\":2}");
    }

    @Test
    void keepsSubscribersAndSeedsTheCatalogOnceAcrossRestarts() throws Exception {
        client.signUp("ada@example.com");

        restart();

        assertThat(client.subscribers()).isEqualTo(1);
        assertThat(client.signUp("ada@example.com").statusCode()).isEqualTo(200);
        assertThat(names(client.get("/api/products"))).hasSize(12);
    }

    @Test
    void refusesAnInvalidAddressAndStoresNothing() {
        HttpResponse<String> response = client.signUp("ada.example.com");

        assertError(response, 400, "\"email\": \"ada.example.com\" is not an e-mail address: it needs exactly one '@'");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesMalformedJsonNamingWhereAndStoresNothing() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", "{\"email\": \"ada@example.com\",}");

        assertError(response, 400, "malformed JSON at line 1, column 29: Unexpected character ('}'");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesTrailingContentAfterTheObject() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", "{\"email\": \"ada@example.com\"} {}");

        assertError(response, 400, "malformed JSON at line 1");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesAFieldGivenTwice() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json",
                "{\"email\": \"ada@example.com\", \"email\": \"grace@example.org\"}");

        assertError(response, 400, "Duplicate field 'email'");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesAnEmptyBody() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", "");

        assertError(response, 400, "the body is empty; send a JSON object");
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", "[\"ada@example.com\"]");

        assertError(response, 400, "the body is a JSON array; send a JSON object");
    }

    @Test
    void refusesAMissingEmailField() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", "{}");

        assertError(response, 400, "missing field \"email\"");
    }

    @Test
    void refusesAnEmailThatIsNotAString() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", "{\"email\": 42}");

        assertError(response, 400, "field \"email\" must be a string, not number");
    }

    @Test
    void refusesAnUnknownField() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json",
                "{\"email\": \"ada@example.com\", \"name\": \"Ada\"}");

        assertError(response, 400, "unknown field \"name\"");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesABodyOver64KiBAndStoresNothing() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", padded(64 * 1024 + 1));

        assertError(response, 413, "the body is over 65536 bytes (64 KiB)");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesAChunkedBodyOver64KiB() {
        byte[] body = padded(200 * 1024).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = client.request("/api/newsletter").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

        HttpResponse<String> response = client.send(request);

        assertError(response, 413, "the body is over 65536 bytes");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void acceptsABodyOfExactly64KiB() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json", padded(64 * 1024));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(client.subscribers()).isEqualTo(1);
    }

    @Test
    void refusesAWrongMethodWith405AndAllow() {
        HttpResponse<String> onNewsletter = client.send(client.request("/api/newsletter").PUT(
                HttpRequest.BodyPublishers.ofString("{\"email\": \"ada@example.com\"}")).build());
        HttpResponse<String> onProducts = client.post("/api/products", "application/json", "{}");

        assertError(onNewsletter, 405, "PUT is not allowed on /api/newsletter; it allows POST");
        assertThat(onNewsletter.headers().firstValue("Allow")).hasValue("POST");
        assertError(onProducts, 405, "POST is not allowed on /api/products; it allows GET");
        assertThat(onProducts.headers().firstValue("Allow")).hasValue("GET");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void refusesAWrongContentTypeWith415AndStoresNothing() {
        HttpResponse<String> form = client.post("/api/newsletter", "application/x-www-form-urlencoded", "email=ada%40example.com");
        HttpResponse<String> latin1 = client.post("/api/newsletter", "application/json; charset=ISO-8859-1",
                "{\"email\": \"ada@example.com\"}");
        HttpResponse<String> none = client.send(client.request("/api/newsletter")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"ada@example.com\"}")).build());

        assertError(form, 415, "Content-Type \"application/x-www-form-urlencoded\" is not accepted; send application/json");
        assertError(latin1, 415, "send JSON in UTF-8");
        assertError(none, 415, "the request has no Content-Type; send application/json");
        assertThat(client.subscribers()).isZero();
    }

    @Test
    void acceptsJsonWithAUtf8Charset() {
        HttpResponse<String> response = client.post("/api/newsletter", "application/json; charset=UTF-8",
                "{\"email\": \"ada@example.com\"}");

        assertThat(response.statusCode()).isEqualTo(201);
    }

    @Test
    void refusesToStartOnATakenPortNamingIt(@TempDir Path otherData) {
        assertThatThrownBy(() -> LegacyShop.start(new Options(shop.port(), otherData)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + shop.port())
                .hasMessageContaining("--port=0 takes any free one");
    }

    /** {@code {"email": "ada@example.com"}} padded with spaces to exactly {@code size} bytes. */
    private static String padded(int size) {
        String json = "{\"email\": \"ada@example.com\"}";
        return json.substring(0, json.length() - 1) + " ".repeat(size - json.length()) + "}";
    }

    private static List<String> names(HttpResponse<String> response) {
        List<String> names = new ArrayList<>();
        ShopClient.json(response).get("products").forEach(p -> names.add(p.get("name").asText()));
        return names;
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = ShopClient.json(response);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).contains(message);
    }
}
