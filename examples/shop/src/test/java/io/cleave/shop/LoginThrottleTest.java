package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.shop.storefront.Storefront;
import io.cleave.test.CleaveTest;
import io.cleave.test.TestSettings;
import io.cleave.test.TopologyTest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failed log-ins are throttled per account and per client address ({@code [Users]
 * login-attempts-per-account}, {@code login-attempts-per-address}, {@code login-window}) with a
 * {@code 429} and {@code Retry-After}; in every topology. Every request comes from 127.0.0.1, so
 * the per-account case runs first and stays under the address's limit.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = LoginThrottleTest.Throttled.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginThrottleTest {

    private static final int PER_ACCOUNT = 3;
    private static final int PER_ADDRESS = 8;

    /** The test shop with small limits. */
    public static class Throttled implements TestSettings {

        /** Creates it; cleave-test does. */
        public Throttled() {
        }

        @Override
        public Map<String, String> settings(Context context) {
            Map<String, String> settings = new HashMap<>(ShopSettings.FAST);
            settings.putAll(ShopSettings.ONE_REPLICA_EACH);
            settings.put("Users.login-attempts-per-account", String.valueOf(PER_ACCOUNT));
            settings.put("Users.login-attempts-per-address", String.valueOf(PER_ADDRESS));
            settings.put("Users.login-window", "10m");
            return settings;
        }
    }

    private static ShopClient.Reply logIn(ShopClient shop, String email, String password) {
        return shop.post("/api/sessions", null, "{\"email\": \"" + email + "\", \"password\": \"" + password + "\"}");
    }

    @Order(1)
    @TopologyTest
    void anAccountThatFailedTooOftenIsRefusedEvenWithTheRightPasswordWithRetryAfter(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String email = "throttle-" + UUID.randomUUID() + "@example.com";
        shop.signUp(email);

        for (int i = 0; i < PER_ACCOUNT; i++) {
            assertThat(logIn(shop, email, "wrong password").status()).as("failure %d", i + 1).isEqualTo(401);
        }
        ShopClient.Reply refused = logIn(shop, email, "correct horse battery");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.error()).startsWith("too many failed log-ins for this account; try again in ");
        assertThat(refused.retryAfter()).isBetween(1L, 600L);
        // another account from the same address still logs in
        String other = "throttle-" + UUID.randomUUID() + "@example.com";
        shop.signUp(other);
        assertThat(logIn(shop, other, "correct horse battery").status()).isEqualTo(200);
    }

    @Order(2)
    @TopologyTest
    void anAddressThatFailedTooOftenIsRefusedForEveryAccount(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String email = "throttle-" + UUID.randomUUID() + "@example.com";
        shop.signUp(email);

        // the first test's failures count too; each attempt here names a different, unknown account
        int failures = 0;
        ShopClient.Reply reply = logIn(shop, "nobody-0@example.com", "wrong password");
        while (reply.status() == 401 && failures < PER_ADDRESS) {
            failures++;
            reply = logIn(shop, "nobody-" + failures + "@example.com", "wrong password");
        }
        ShopClient.Reply rightPassword = logIn(shop, email, "correct horse battery");

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.error()).startsWith("too many failed log-ins for this address; try again in ");
        assertThat(failures).isBetween(1, PER_ADDRESS);
        assertThat(rightPassword.status()).isEqualTo(429);
        assertThat(rightPassword.retryAfter()).isBetween(1L, 600L);
    }
}
