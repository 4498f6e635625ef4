package io.cleave.legacy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The legacy shop's routes. */
final class ShopApi {

    /** The most bytes a request body may have: 64 KiB. */
    static final int MAX_BODY = 64 * 1024;

    private static final int MAX_QUERY = 200;

    private static final String ABOUT = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>About the legacy shop</title></head>
            <body>
            <h1>The legacy shop</h1>
            <p>This is the legacy shop: the web application the team has run in production for years, on the JDK's
            HTTP server and its own H2 database. Its routes are moving, one by one, to the new shop built with
            Cleave.</p>
            </body>
            </html>
            """;

    private final Database database;
    private final Catalog catalog;
    private final Newsletter newsletter;

    ShopApi(Database database, Catalog catalog, Newsletter newsletter) {
        this.database = database;
        this.catalog = catalog;
        this.newsletter = newsletter;
    }

    /** The router of every route. */
    Router router() {
        return new Router()
                .route("GET", "/api/products", this::products)
                .route("GET", "/api/products/{id}", this::product)
                .route("GET", "/about", request -> Reply.html(200, ABOUT))
                .route("POST", "/api/newsletter", this::subscribe)
                .route("GET", "/api/newsletter/count", request -> Reply.json(200, Map.of("count", newsletter.count())))
                .route("GET", "/health", this::health);
    }

    private Reply products(Request request) throws Exception {
        String q = request.queryParam("q").orElse("");
        if (q.length() > MAX_QUERY) {
            throw new HttpError(400, "query parameter q has " + q.length() + " characters, at most " + MAX_QUERY
                    + " are allowed");
        }
        List<Product> products = catalog.search(q.strip());
        return Reply.json(200, Map.of("products", products));
    }

    private Reply product(Request request) throws Exception {
        String id = request.pathParam("id");
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new HttpError(404, "no product \"" + id + "\": product ids are whole numbers, as in /api/products/1");
        }
        return catalog.product(number)
                .map(product -> Reply.json(200, product))
                .orElseThrow(() -> new HttpError(404, "no product " + number));
    }

    /** {@code 201} when the address is new, {@code 200} when it was subscribed before; the same body either way. */
    private Reply subscribe(Request request) throws Exception {
        JsonNode body = Json.readObject(request.jsonBody(MAX_BODY));
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("email")) {
                throw new HttpError(400, "unknown field \"" + name + "\"; the body has one field, \"email\"");
            }
        }
        JsonNode email = body.get("email");
        if (email == null) {
            throw new HttpError(400, "missing field \"email\", as in {\"email\": \"ada@example.com\"}");
        }
        if (!email.isTextual()) {
            throw new HttpError(400, "field \"email\" must be a string, not "
                    + email.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        EmailAddress address;
        try {
            address = EmailAddress.parse(email.textValue());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
        boolean added = newsletter.subscribe(address);
        return Reply.json(added ? 201 : 200, new Subscription(address.value(), true));
    }

    private Reply health(Request request) {
        return database.answers() ? Reply.text(200, "ok") : Reply.text(503, "the database does not answer");
    }

    /**
     * The answer to a signup.
     *
     * @param email the address as stored
     * @param subscribed always true: the address is subscribed
     */
    record Subscription(String email, boolean subscribed) {
    }
}
