package io.cleave.shop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cleave.shop.storefront.Storefront;
import io.cleave.spi.testing.Await;
import io.cleave.test.CleaveTest;
import io.cleave.test.TopologyTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

/**
 * The product page and category listings are cached (in Catalog, two replicas in {@code multi}
 * sharing the local Redis); an administrator's price change publishes {@code ProductChanged},
 * whose delivery drops the product and its listings from every replica's cache.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopSettings.class, shared = true)
class PriceChangeTest {

    /** The administrator named in the shop's configuration ({@code [Storefront] admins}). */
    private static final String ADMIN = "admin@shop.example";

    @TopologyTest
    void anAdminsPriceChangeShowsOnTheCachedProductPageAndListing(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String admin = adminToken(shop);
        JsonNode product = shop.get("/api/products/SKU-00007", null).json().get("product");
        String category = product.get("categoryId").asText();
        BigDecimal newPrice = product.get("price").decimalValue().add(new BigDecimal("1.25"));
        for (int i = 0; i < 4; i++) { // warms both replicas' caches in multi
            shop.get("/api/products/SKU-00007", null);
            shop.get("/api/products?category=" + category + "&limit=100", null);
        }

        ShopClient.Reply changed = shop.call("PUT", "/api/admin/products/SKU-00007/price", admin,
                "{\"price\": " + newPrice.toPlainString() + "}");

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("price").decimalValue()).isEqualByComparingTo(newPrice);
        // several reads in a row show it: in multi they reach both replicas of Catalog
        Await.until(Duration.ofSeconds(10), "the new price on the product page and the listing", () -> {
            for (int i = 0; i < 4; i++) {
                if (pagePrice(shop).compareTo(newPrice) != 0 || listingPrice(shop, category).compareTo(newPrice) != 0) {
                    return false;
                }
            }
            return true;
        });
        assertThat(pagePrice(shop)).isEqualByComparingTo(newPrice);
        assertThat(listingPrice(shop, category)).isEqualByComparingTo(newPrice);
    }

    @TopologyTest
    void aCustomerMayNotChangeAPrice(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String customer = shop.signUp("customer-" + UUID.randomUUID() + "@example.com");

        ShopClient.Reply asCustomer = shop.call("PUT", "/api/admin/products/SKU-00008/price", customer, "{\"price\": 1.00}");
        ShopClient.Reply anonymous = shop.call("PUT", "/api/admin/products/SKU-00008/price", null, "{\"price\": 1.00}");

        assertThat(asCustomer.status()).isEqualTo(403);
        assertThat(asCustomer.error()).contains("administrators");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(shop.get("/api/products/SKU-00008", null).json().get("product").get("price").decimalValue())
                .isNotEqualByComparingTo(new BigDecimal("1.00"));
    }

    @TopologyTest
    void aBadPriceOrProductIsRefusedNamingIt(Storefront storefront) {
        ShopClient shop = new ShopClient(storefront);
        String admin = adminToken(shop);

        ShopClient.Reply tooPrecise = shop.call("PUT", "/api/admin/products/SKU-00009/price", admin, "{\"price\": 1.005}");
        ShopClient.Reply negative = shop.call("PUT", "/api/admin/products/SKU-00009/price", admin, "{\"price\": -3}");
        ShopClient.Reply unknown = shop.call("PUT", "/api/admin/products/SKU-NOPE/price", admin, "{\"price\": 3.00}");

        assertThat(tooPrecise.status()).isEqualTo(400);
        assertThat(tooPrecise.error()).contains("price must be 0.01 to 1000000.00 with at most two decimals, got 1.005");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).contains("SKU-NOPE");
    }

    /** Signs the administrator up once per shop, then logs in. */
    private static String adminToken(ShopClient shop) {
        ShopClient.Reply in = shop.post("/api/sessions", null,
                "{\"email\": \"" + ADMIN + "\", \"password\": \"correct horse battery\"}");
        return in.status() == 200 ? in.json().get("token").asText() : shop.signUp(ADMIN);
    }

    private static BigDecimal pagePrice(ShopClient shop) {
        return shop.get("/api/products/SKU-00007", null).json().get("product").get("price").decimalValue();
    }

    private static BigDecimal listingPrice(ShopClient shop, String category) {
        for (JsonNode p : shop.get("/api/products?category=" + category + "&limit=100", null).json().get("products")) {
            if (p.get("id").asText().equals("SKU-00007")) {
                return p.get("price").decimalValue();
            }
        }
        throw new AssertionError("SKU-00007 is not in the listing of its category " + category);
    }
}
