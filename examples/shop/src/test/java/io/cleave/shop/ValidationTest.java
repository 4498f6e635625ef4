package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bad input gets a 4xx answer with a message naming what is wrong, and never a stack trace. */
class ValidationTest {

    abstract static class Contract extends ShopTestBase {

        String token;

        @Override
        @BeforeAll
        void startShop() {
            super.startShop();
            token = shop.signUp("validation-" + UUID.randomUUID() + "@example.com");
        }

        @Test
        void malformedJsonIsABadRequestNamingWhere() {
            RunningShop.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": ");

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.error()).startsWith("the request body is not valid JSON (line 1");
            assertThat(reply.requestId()).isNotEmpty();
        }

        @Test
        void unknownProductIsNotFound() {
            RunningShop.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-99999\", \"quantity\": 1}");

            assertThat(reply.status()).isEqualTo(404);
            assertThat(reply.error()).isEqualTo("no product \"SKU-99999\"");
        }

        @Test
        void negativeQuantityIsABadRequest() {
            RunningShop.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": -1}");

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.error()).isEqualTo("quantity must be 1 to 99, got -1");
        }

        @Test
        void missingAndUnknownFieldsAreNamed() {
            RunningShop.Reply missing = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\"}");
            RunningShop.Reply unknown = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"qty\": 1}");
            RunningShop.Reply wrongType = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": \"two\"}");

            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.error()).isEqualTo("field \"quantity\" is required");
            assertThat(unknown.error()).isEqualTo("unknown field \"qty\"; expected \"productId\", \"quantity\"");
            assertThat(wrongType.error()).isEqualTo("field \"quantity\" has the wrong type");
        }

        @Test
        void unknownOrMissingSessionIsUnauthorized() {
            RunningShop.Reply unknown = shop.get("/api/cart", "not-a-token");
            RunningShop.Reply missing = shop.get("/api/cart", null);

            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.error()).isEqualTo("session expired or unknown; log in again");
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.error()).startsWith("log in first");
        }

        @Test
        void signUpRejectsMalformedEmailShortPasswordAndDuplicates() {
            String email = "dup-" + UUID.randomUUID() + "@example.com";
            shop.signUp(email);

            RunningShop.Reply badEmail = shop.post("/api/users", null, "{\"email\": \"nobody\", \"password\": \"long enough\", \"name\": \"N\"}");
            RunningShop.Reply shortPassword = shop.post("/api/users", null, "{\"email\": \"a@b.co\", \"password\": \"short\", \"name\": \"N\"}");
            RunningShop.Reply duplicate = shop.post("/api/users", null,
                    "{\"email\": \"" + email + "\", \"password\": \"long enough\", \"name\": \"N\"}");

            assertThat(badEmail.status()).isEqualTo(400);
            assertThat(badEmail.error()).isEqualTo("email \"nobody\" is not an e-mail address");
            assertThat(shortPassword.error()).isEqualTo("password must be 8 to 200 characters, got 5");
            assertThat(duplicate.status()).isEqualTo(409);
        }

        @Test
        void malformedOrderIdAndCardAreBadRequests() {
            RunningShop.Reply badId = shop.post("/api/orders", token, "{\"orderId\": \"42\", \"cardNumber\": \"4242424242424242\"}");
            RunningShop.Reply badCard = shop.post("/api/orders", token,
                    "{\"orderId\": \"" + UUID.randomUUID() + "\", \"cardNumber\": \"1234\"}");
            RunningShop.Reply badPage = shop.get("/api/products?limit=1000", null);

            assertThat(badId.status()).isEqualTo(400);
            assertThat(badId.error()).isEqualTo("orderId \"42\" is not a UUID");
            assertThat(badCard.error()).startsWith("card number is not valid");
            assertThat(badPage.error()).isEqualTo("limit must be 1 to 100, got 1000");
        }
    }

    @Nested
    class Single extends Contract {
        @Override
        Topology topology() {
            return Topology.SINGLE;
        }
    }

    @Nested
    class SingleSerialized extends Contract {
        @Override
        Topology topology() {
            return Topology.SINGLE_SERIALIZED;
        }
    }

    /** A session past its expiry is refused like an unknown one: here every session expires at once. */
    @Nested
    class ExpiredSession extends ShopTestBase {
        @Override
        Topology topology() {
            return Topology.SINGLE_SERIALIZED;
        }

        @Override
        Map<String, String> settings() {
            return Map.of("Users.session-ttl", "\"0s\"");
        }

        @Test
        void expiredSessionIsUnauthorizedWithAMessage() {
            String token = shop.signUp("expired-" + UUID.randomUUID() + "@example.com");

            RunningShop.Reply reply = shop.post("/api/cart/items", token, "{\"productId\": \"SKU-00002\", \"quantity\": 1}");

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.error()).isEqualTo("session expired or unknown; log in again");
        }
    }
}
