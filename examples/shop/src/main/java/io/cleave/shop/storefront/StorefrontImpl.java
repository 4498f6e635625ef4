package io.cleave.shop.storefront;

import io.cleave.Cookie;
import io.cleave.HttpError;
import io.cleave.Lifecycle;
import io.cleave.Listener;
import io.cleave.WebRequest;
import io.cleave.WebResponse;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.cart.Cart;
import io.cleave.shop.catalog.Catalog;
import io.cleave.shop.catalog.Product;
import io.cleave.shop.catalog.ProductPage;
import io.cleave.shop.catalog.UnknownProductException;
import io.cleave.shop.checkout.Checkout;
import io.cleave.shop.checkout.CheckoutFailedException;
import io.cleave.shop.checkout.PaymentDeclinedException;
import io.cleave.shop.checkout.UnknownOrderException;
import io.cleave.shop.inventory.Inventory;
import io.cleave.shop.inventory.OutOfStockException;
import io.cleave.shop.notifications.Notifications;
import io.cleave.shop.recommendations.BoughtTogether;
import io.cleave.shop.recommendations.Recommendations;
import io.cleave.shop.users.EmailTakenException;
import io.cleave.shop.users.InvalidCredentialsException;
import io.cleave.shop.users.LoginThrottledException;
import io.cleave.shop.users.Session;
import io.cleave.shop.users.SessionExpiredException;
import io.cleave.shop.users.User;
import io.cleave.shop.users.Users;
import java.time.Clock;
import java.time.Duration;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link Storefront}: routes of the JSON API and the static storefront on the {@code web} listener. */
final class StorefrontImpl implements Storefront, Lifecycle {

    private static final String SESSION_COOKIE = "sid";
    private static final int RECOMMENDED = 4;

    private final Listener web;
    private final Users users;
    private final Catalog catalog;
    private final Inventory inventory;
    private final Cart cart;
    private final Checkout checkout;
    private final Notifications notifications;
    private final Recommendations recommendations;
    private final StorefrontConfig config;
    private final Clock clock;
    private final System.Logger log;
    /** What catalogue answers say to caches ({@code [Storefront] edge-max-age}). */
    private final String catalogueCacheControl;

    /**
     * Creates the component.
     *
     * @param web the listener the storefront serves on
     * @param users accounts and sessions
     * @param catalog products
     * @param inventory stock levels
     * @param cart carts
     * @param checkout orders
     * @param notifications inboxes
     * @param recommendations "bought together"; optional at run time
     * @param config who may use the admin routes, and how long an edge cache may keep catalogue answers
     * @param clock the time source for cookie lifetimes
     * @param log where degraded answers are reported
     */
    public StorefrontImpl(Listener web, Users users, Catalog catalog, Inventory inventory, Cart cart, Checkout checkout,
            Notifications notifications, Recommendations recommendations, StorefrontConfig config, Clock clock,
            System.Logger log) {
        this.web = web;
        this.users = users;
        this.catalog = catalog;
        this.inventory = inventory;
        this.cart = cart;
        this.checkout = checkout;
        this.notifications = notifications;
        this.recommendations = recommendations;
        this.config = config;
        this.clock = clock;
        this.log = log;
        long seconds = config.edgeMaxAge().toSeconds();
        this.catalogueCacheControl = seconds == 0 ? "no-store" : "public, max-age=0, s-maxage=" + seconds;
    }

    @Override
    public String address() {
        return web.uri().toString();
    }

    /** Registers the routes once every component it calls has started, then announces the address. */
    @Override
    public void start() {
        web.get("/api/health", api(request -> Json.ok(Map.of("status", "ok"))))
                .post("/api/users", api(this::signUp))
                .post("/api/sessions", api(this::logIn))
                .delete("/api/sessions/current", api(this::logOut))
                .get("/api/me", api(request -> Json.ok(userView(user(request)))))
                .get("/api/categories", catalogue(request -> Json.ok(catalog.categories())))
                .get("/api/products", catalogue(this::search))
                .get("/api/products/{id}", catalogue(this::productPage))
                .get("/api/cart", api(request -> Json.ok(cart.contents(user(request).id()))))
                .post("/api/cart/items", api(this::addToCart))
                .put("/api/cart/items/{productId}", api(this::setQuantity))
                .delete("/api/cart/items/{productId}", api(request ->
                        Json.ok(cart.setQuantity(user(request).id(), request.pathParam("productId"), 0))))
                .post("/api/orders", api(this::placeOrder))
                .get("/api/orders", api(request -> Json.ok(checkout.orders(user(request).id(), 50))))
                .get("/api/orders/{id}", api(request ->
                        Json.ok(checkout.order(user(request).id(), uuid("order id", request.pathParam("id"))))))
                .get("/api/notifications", api(request -> Json.ok(notifications.inbox(user(request).id(), 50))))
                .post("/api/notifications/{id}/read", api(request -> {
                    notifications.markRead(user(request).id(), uuid("notification id", request.pathParam("id")));
                    return WebResponse.status(204);
                }))
                .put("/api/admin/products/{id}/price", api(this::setPrice))
                .resources("/", "storefront");
        System.out.println("Shop running at " + web.uri());
        log.log(System.Logger.Level.INFO, "storefront serving at {0}", web.uri());
    }

    private WebResponse signUp(WebRequest request) throws Exception {
        Api.SignUp body = Json.read(request, Api.SignUp.class);
        Session session = users.signUp(required("email", body.email()), required("password", body.password()),
                required("name", body.name()));
        return withSessionCookie(Json.respond(201, sessionView(session)), session);
    }

    private WebResponse logIn(WebRequest request) throws Exception {
        Api.LogIn body = Json.read(request, Api.LogIn.class);
        Session session;
        try {
            session = users.logIn(required("email", body.email()), required("password", body.password()),
                    request.clientAddress());
        } catch (LoginThrottledException e) {
            Map<String, Object> error = new java.util.LinkedHashMap<>();
            error.put("status", 429);
            error.put("error", e.getMessage());
            error.put("requestId", request.requestId());
            return Json.respond(429, error).withHeader("retry-after", String.valueOf(e.retryAfterSeconds()));
        }
        return withSessionCookie(Json.ok(sessionView(session)), session);
    }

    private WebResponse logOut(WebRequest request) {
        token(request).ifPresent(users::logOut);
        return WebResponse.status(204).withCookie(Cookie.expired(SESSION_COOKIE));
    }

    private WebResponse search(WebRequest request) throws Exception {
        int offset = intParam(request, "offset", 0);
        int limit = intParam(request, "limit", 24);
        ProductPage page = catalog.search(request.queryParam("q").orElse(""), request.queryParam("category").orElse(""),
                offset, limit);
        return Json.ok(new Api.SearchView(withStock(page.products()), page.total(), offset, limit));
    }

    private WebResponse productPage(WebRequest request) throws Exception {
        Product product = catalog.product(request.pathParam("id"));
        // non-critical: when Recommendations cannot answer, its fallback says so (known == false)
        BoughtTogether together = recommendations.boughtTogether(product.id(), RECOMMENDED);
        List<Product> shown = new java.util.ArrayList<>();
        shown.add(product);
        shown.addAll(catalog.products(together.productIds()));
        List<Api.ProductView> views = withStock(shown); // one question to Inventory for the page
        return Json.ok(new Api.ProductPageView(views.get(0), views.subList(1, views.size()), together.known()));
    }

    /** An administrator changes a price; product pages and listings show it once the change's event dropped the cached copies. */
    private WebResponse setPrice(WebRequest request) throws Exception {
        User user = user(request);
        if (!config.admins().contains(user.email())) {
            throw new HttpError(403, "only the shop's administrators ([Storefront] admins) may change prices");
        }
        Api.SetPrice body = Json.read(request, Api.SetPrice.class);
        BigDecimal price = required("price", body.price());
        return Json.ok(catalog.setPrice(request.pathParam("id"), price));
    }

    private WebResponse addToCart(WebRequest request) throws Exception {
        User user = user(request);
        Api.AddItem body = Json.read(request, Api.AddItem.class);
        return Json.ok(cart.add(user.id(), required("productId", body.productId()), required("quantity", body.quantity())));
    }

    private WebResponse setQuantity(WebRequest request) throws Exception {
        User user = user(request);
        Api.SetQuantity body = Json.read(request, Api.SetQuantity.class);
        return Json.ok(cart.setQuantity(user.id(), request.pathParam("productId"), required("quantity", body.quantity())));
    }

    private WebResponse placeOrder(WebRequest request) throws Exception {
        User user = user(request);
        Api.PlaceOrder body = Json.read(request, Api.PlaceOrder.class);
        UUID orderId = uuid("orderId", required("orderId", body.orderId()));
        return Json.respond(201, checkout.placeOrder(user.id(), orderId, required("cardNumber", body.cardNumber())));
    }

    private List<Api.ProductView> withStock(List<Product> products) {
        if (products.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> stock = inventory.available(products.stream().map(Product::id).toList());
        return products.stream()
                .map(p -> new Api.ProductView(p.id(), p.name(), p.description(), p.categoryId(), p.price(),
                        stock.get(p.id()))) // null when Inventory could not answer (its fallback)
                .toList();
    }

    private User user(WebRequest request) throws SessionExpiredException {
        String token = token(request).orElseThrow(() -> new HttpError(401,
                "log in first: send the session token as \"Authorization: Bearer <token>\" or the sid cookie"));
        return users.authenticate(token);
    }

    private static Optional<String> token(WebRequest request) {
        Optional<String> bearer = request.header("authorization")
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip())
                .filter(value -> !value.isEmpty());
        return bearer.isPresent() ? bearer : request.cookie(SESSION_COOKIE).filter(value -> !value.isEmpty());
    }

    private WebResponse withSessionCookie(WebResponse response, Session session) {
        Duration left = Duration.between(clock.instant(), session.expiresAt());
        return response.withCookie(Cookie.of(SESSION_COOKIE, session.token()).withMaxAge(left.isNegative() ? Duration.ZERO : left));
    }

    private static Api.SessionView sessionView(Session session) {
        return new Api.SessionView(session.token(), userView(session.user()), session.expiresAt());
    }

    private static Api.UserView userView(User user) {
        return new Api.UserView(user.id(), user.email(), user.name());
    }

    private static <T> T required(String field, T value) {
        if (value == null) {
            throw new HttpError(400, "field \"" + field + "\" is required");
        }
        return value;
    }

    private static UUID uuid(String what, String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, what + " \"" + text + "\" is not a UUID");
        }
    }

    private static int intParam(WebRequest request, String name, int absent) {
        Optional<String> text = request.queryParam(name);
        if (text.isEmpty() || text.get().isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "query parameter \"" + name + "\" must be an integer, got \"" + text.get() + "\"");
        }
    }

    /** Work of one route; it may throw the components' declared exceptions. */
    @FunctionalInterface
    private interface Action {
        WebResponse handle(WebRequest request) throws Exception;
    }

    /**
     * A catalogue answer: the same for every visitor, so a shared cache in front may keep it for
     * {@code edge-max-age} (browsers always ask again); {@code no-store} when that is zero.
     */
    private Listener.Handler catalogue(Action action) {
        return api(action, catalogueCacheControl);
    }

    /** An answer about one visitor or a change: never kept by any cache. */
    private Listener.Handler api(Action action) {
        return api(action, "no-store");
    }

    /**
     * Maps the components' declared failures to client errors. The listener answers the rest: a
     * component that cannot take the call ({@code ComponentUnavailableException}: down, overloaded,
     * its breaker open) with 503 and {@code Retry-After}, logged on one line; anything else with 500.
     */
    private Listener.Handler api(Action action, String cacheControl) {
        return request -> {
            try {
                return action.handle(request).withHeader("cache-control", cacheControl);
            } catch (InvalidInputException e) {
                throw new HttpError(400, e.getMessage());
            } catch (SessionExpiredException | InvalidCredentialsException e) {
                throw new HttpError(401, e.getMessage());
            } catch (PaymentDeclinedException e) {
                throw new HttpError(402, e.getMessage());
            } catch (UnknownProductException | UnknownOrderException e) {
                throw new HttpError(404, e.getMessage());
            } catch (EmailTakenException | OutOfStockException e) {
                throw new HttpError(409, e.getMessage());
            } catch (CheckoutFailedException e) {
                throw new HttpError(503, e.getMessage());
            }
        };
    }
}
