package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.shop.storefront.Storefront;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.util.UUID;

/** Bad input gets a 4xx answer with a message naming what is wrong, and never a stack trace; in every topology. */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, shared = true)
class ValidationTest {

    @TopologyTest
    void malformedJsonIsABadRequestNamingWhere(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": ");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).startsWith("the request body is not valid JSON (line 1");
        assertThat(reply.requestId()).isNotEmpty();
    }

    @TopologyTest
    void unknownProductIsNotFound(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-99999\", \"quantity\": 1}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("no product \"SKU-99999\"");
    }

    @TopologyTest
    void negativeQuantityIsABadRequest(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": -1}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("quantity must be 1 to 99, got -1");
    }

    @TopologyTest
    void missingAndUnknownFieldsAreNamed(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply missing = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\"}");
        ShopClient.Reply unknown = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"qty\": 1}");
        ShopClient.Reply wrongType = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": \"two\"}");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error()).isEqualTo("field \"quantity\" is required");
        assertThat(unknown.error()).isEqualTo("unknown field \"qty\"; expected \"productId\", \"quantity\"");
        assertThat(wrongType.error()).isEqualTo("field \"quantity\" has the wrong type: expected an integer");
    }

    @TopologyTest
    void unknownOrMissingSessionIsUnauthorized(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        ShopClient.Reply unknown = shop.get("/api/cart", "not-a-token");
        ShopClient.Reply missing = shop.get("/api/cart", null);

        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.error()).isEqualTo("session expired or unknown; log in again");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).startsWith("log in first");
    }

    @TopologyTest
    void signUpRejectsMalformedEmailShortPasswordAndDuplicates(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String email = "dup-" + UUID.randomUUID() + "@example.com";
        shop.signUp(email);

        ShopClient.Reply badEmail = shop.post("/api/users", null, "{\"email\": \"nobody\", \"password\": \"long enough\", \"name\": \"N\"}");
        ShopClient.Reply shortPassword = shop.post("/api/users", null, "{\"email\": \"a@b.co\", \"password\": \"short\", \"name\": \"N\"}");
        ShopClient.Reply duplicate = shop.post("/api/users", null,
                "{\"email\": \"" + email + "\", \"password\": \"long enough\", \"name\": \"N\"}");

        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.error()).isEqualTo("email \"nobody\" is not an e-mail address");
        assertThat(shortPassword.error()).isEqualTo("password must be 8 to 200 characters, got 5");
        assertThat(duplicate.status()).isEqualTo(409);
    }

    @TopologyTest
    void malformedOrderIdAndCardAreBadRequests(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply badId = shop.post("/api/orders", token, "{\"orderId\": \"42\", \"cardNumber\": \"4242424242424242\"}");
        ShopClient.Reply badCard = shop.post("/api/orders", token,
                "{\"orderId\": \"" + UUID.randomUUID() + "\", \"cardNumber\": \"1234\"}");
        ShopClient.Reply badPage = shop.get("/api/products?limit=1000", null);

        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.error()).isEqualTo("orderId \"42\" is not a UUID");
        assertThat(badCard.error()).startsWith("card number is not valid");
        assertThat(badPage.error()).isEqualTo("limit must be 1 to 100, got 1000");
    }

    @TopologyTest
    void numbersAndStringsAreNotCoercedAndTheFieldIsNamed(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply fraction = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": 1.5}");
        ShopClient.Reply quoted = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": \"3\"}");
        ShopClient.Reply numberForString = shop.post("/api/cart/items", token, "{\"productId\": 2, \"quantity\": 1}");

        assertThat(fraction.status()).isEqualTo(400);
        assertThat(fraction.error()).isEqualTo("field \"quantity\" has the wrong type: expected an integer");
        assertThat(quoted.status()).isEqualTo(400);
        assertThat(quoted.error()).isEqualTo("field \"quantity\" has the wrong type: expected an integer");
        assertThat(numberForString.status()).isEqualTo(400);
        assertThat(numberForString.error()).isEqualTo("field \"productId\" has the wrong type: expected a string");
        assertThat(shop.get("/api/cart", token).body()).doesNotContain("SKU-00002");
    }

    @TopologyTest
    void aFieldGivenTwiceIsABadRequestNamingIt(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply reply = shop.post("/api/cart/items", token,
                "{\"productId\": \"SKU-00002\", \"quantity\": 1, \"quantity\": 90}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.error()).isEqualTo("field \"quantity\" appears more than once");
    }

    @TopologyTest
    void aJsonBodyNeedsAJsonContentType(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");
        String body = "{\"productId\": \"SKU-00002\", \"quantity\": 1}";

        ShopClient.Reply form = shop.call("POST", "/api/cart/items", token, body, "application/x-www-form-urlencoded");
        ShopClient.Reply none = shop.call("POST", "/api/cart/items", token, body, null);
        ShopClient.Reply withCharset = shop.call("POST", "/api/cart/items", token, body, "application/json; charset=utf-8");

        assertThat(form.status()).isEqualTo(415);
        assertThat(form.error()).isEqualTo("Content-Type \"application/x-www-form-urlencoded\" is not JSON; send application/json");
        assertThat(none.status()).isEqualTo(415);
        assertThat(withCharset.status()).isBetween(200, 299);
    }
}
