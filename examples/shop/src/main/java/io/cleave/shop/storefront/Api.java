package io.cleave.shop.storefront;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON shapes of the API that are not the components' own records. */
final class Api {

    private Api() {
    }

    /** Body of {@code POST /api/users}. */
    record SignUp(String email, String password, String name) {
    }

    /** Body of {@code POST /api/sessions}. */
    record LogIn(String email, String password) {
    }

    /** Answer to signing up and logging in. */
    record SessionView(String token, UserView user, Instant expiresAt) {
    }

    /** A user as the API shows it. */
    record UserView(UUID id, String email, String name) {
    }

    /** Body of {@code POST /api/cart/items}. */
    record AddItem(String productId, Integer quantity) {
    }

    /** Body of {@code PUT /api/cart/items/{productId}}. */
    record SetQuantity(Integer quantity) {
    }

    /** Body of {@code PUT /api/admin/products/{id}/price}. */
    record SetPrice(BigDecimal price) {
    }

    /** Body of {@code POST /api/orders}. */
    record PlaceOrder(String orderId, String cardNumber) {
    }

    /** A product with the units available now: {@code available} is null when Inventory cannot say. */
    record ProductView(String id, String name, String description, String categoryId, BigDecimal price, Integer available) {
    }

    /** Answer to {@code GET /api/products}. */
    record SearchView(List<ProductView> products, int total, int offset, int limit) {
    }

    /** Answer to {@code GET /api/products/{id}}. */
    record ProductPageView(ProductView product, List<ProductView> boughtTogether, boolean recommendationsAvailable) {
    }
}
