package io.cleave.shop.catalog;

import io.cleave.Cache;
import io.cleave.Events;
import io.cleave.Lifecycle;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.demo.DemoCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link Catalog} on its own store: tables {@code category} and {@code product}. */
final class CatalogImpl implements Catalog, Lifecycle {

    private static final int MAX_WORDS = 8;
    private static final int MAX_BATCH = 200;
    private static final String PRODUCT_COLUMNS = "id, name, description, category_id, price";

    /** The key of the listing of every category, which no category id can be (they are lower-case words). */
    private static final String ALL = "*";

    private final Store store;
    private final Events<ProductChanged> changed;
    private final Cache<Product> cachedProducts;
    private final Cache<ProductPage> listings;
    private final System.Logger log;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param changed where product changes are announced, in the changing transaction
     * @param cachedProducts products by SKU
     * @param listings every product of a category (or of all, key {@code *}), by SKU: what a search
     *     without words lists, a page at a time
     * @param log where it reports seeding
     */
    public CatalogImpl(Store store, Events<ProductChanged> changed, Cache<Product> cachedProducts, Cache<ProductPage> listings,
            System.Logger log) {
        this.store = store;
        this.changed = changed;
        this.cachedProducts = cachedProducts;
        this.listings = listings;
        this.log = log;
    }

    /** Seeds the demo assortment into an empty store; a replica that loses the race to seed does nothing. */
    @Override
    public void start() {
        boolean empty = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from product");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        });
        if (!empty) {
            return;
        }
        try {
            store.run(CatalogImpl::seed);
            log.log(System.Logger.Level.INFO, "seeded {0} products in {1} categories",
                    DemoCatalog.SIZE, DemoCatalog.categories().size());
        } catch (StoreException e) {
            if (!"23505".equals(e.sqlState())) {
                throw e;
            }
        }
    }

    private static void seed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into category (id, name, icon, position) values (?, ?, ?, ?)")) {
            int position = 0;
            for (DemoCatalog.DemoCategory category : DemoCatalog.categories()) {
                ps.setString(1, category.id());
                ps.setString(2, category.name());
                ps.setString(3, category.icon());
                ps.setInt(4, position++);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Map<String, String> categoryNames = new LinkedHashMap<>();
        DemoCatalog.categories().forEach(category -> categoryNames.put(category.id(), category.name()));
        try (PreparedStatement ps = c.prepareStatement(
                "insert into product (" + PRODUCT_COLUMNS + ", search_text) values (?, ?, ?, ?, ?, ?)")) {
            for (DemoCatalog.DemoProduct product : DemoCatalog.products()) {
                ps.setString(1, product.id());
                ps.setString(2, product.name());
                ps.setString(3, product.description());
                ps.setString(4, product.categoryId());
                ps.setBigDecimal(5, product.price());
                ps.setString(6, (product.name() + " " + product.description() + " " + categoryNames.get(product.categoryId()))
                        .toLowerCase(Locale.ROOT));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<Category> categories() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id, name, icon from category order by position");
                    ResultSet rs = ps.executeQuery()) {
                List<Category> categories = new ArrayList<>();
                while (rs.next()) {
                    categories.add(new Category(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
                return categories;
            }
        });
    }

    @Override
    public ProductPage search(String query, String categoryId, int offset, int limit) throws InvalidInputException {
        if (offset < 0) {
            throw new InvalidInputException("offset must be 0 or more, got " + offset);
        }
        if (limit < 1 || limit > 100) {
            throw new InvalidInputException("limit must be 1 to 100, got " + limit);
        }
        List<String> words = Arrays.stream(query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(word -> !word.isEmpty())
                .distinct()
                .limit(MAX_WORDS)
                .toList();
        if (words.isEmpty()) {
            ProductPage listing = listings.get(categoryId.isEmpty() ? ALL : categoryId, this::listing);
            List<Product> all = listing.products();
            int from = Math.min(offset, all.size());
            return new ProductPage(List.copyOf(all.subList(from, Math.min(all.size(), from + limit))), all.size());
        }
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<String> parameters = new ArrayList<>();
        if (!categoryId.isEmpty()) {
            where.append(" and category_id = ?");
            parameters.add(categoryId);
        }
        for (String word : words) {
            // words hold only letters and digits, so they need no LIKE escaping
            where.append(" and search_text like ?");
            parameters.add("%" + word + "%");
        }
        String rank = words.isEmpty() ? "" : "case when lower(name) like ? then 0 else 1 end, ";
        return store.read(c -> {
            if (!categoryId.isEmpty() && !categoryExists(c, categoryId)) {
                throw new InvalidInputException("no category \"" + categoryId + "\"");
            }
            int total;
            try (PreparedStatement ps = c.prepareStatement("select count(*) from product" + where)) {
                bind(ps, parameters, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getInt(1);
                }
            }
            List<Product> products = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select " + PRODUCT_COLUMNS + " from product" + where
                    + " order by " + rank + "id offset ? rows fetch next ? rows only")) {
                int next = bind(ps, parameters, 1);
                if (!words.isEmpty()) {
                    ps.setString(next++, "%" + words.get(0) + "%");
                }
                ps.setInt(next++, offset);
                ps.setInt(next, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        products.add(product(rs));
                    }
                }
            }
            return new ProductPage(products, total);
        });
    }

    /** Every product of a category ({@link #ALL}: of every category), by SKU. */
    private ProductPage listing(String categoryId) throws InvalidInputException {
        boolean all = categoryId.equals(ALL);
        return store.read(c -> {
            if (!all && !categoryExists(c, categoryId)) {
                throw new InvalidInputException("no category \"" + categoryId + "\"");
            }
            try (PreparedStatement ps = c.prepareStatement("select " + PRODUCT_COLUMNS + " from product"
                    + (all ? "" : " where category_id = ?") + " order by id")) {
                if (!all) {
                    ps.setString(1, categoryId);
                }
                List<Product> products = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        products.add(product(rs));
                    }
                }
                return new ProductPage(products, products.size());
            }
        });
    }

    @Override
    public Product product(String id) throws UnknownProductException {
        return cachedProducts.get(id, key -> {
            List<Product> found = load(List.of(key));
            if (found.isEmpty()) {
                throw new UnknownProductException("no product \"" + key + "\"");
            }
            return found.get(0);
        });
    }

    @Override
    public Product setPrice(String id, BigDecimal price) throws UnknownProductException, InvalidInputException {
        if (price.scale() > 2 || price.compareTo(new BigDecimal("0.01")) < 0 || price.compareTo(new BigDecimal("1000000")) > 0) {
            throw new InvalidInputException("price must be 0.01 to 1000000.00 with at most two decimals, got "
                    + price.toPlainString());
        }
        Product updated = store.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update product set price = ? where id = ? returning "
                    + PRODUCT_COLUMNS)) {
                ps.setBigDecimal(1, price);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Product product = product(rs);
                    changed.publish(c, id, new ProductChanged(id, product.categoryId(), product.price()));
                    return product;
                }
            }
        });
        if (updated == null) {
            throw new UnknownProductException("no product \"" + id + "\"");
        }
        return updated;
    }

    @Override
    public void productChanged(ProductChanged event, String eventId) {
        cachedProducts.invalidate(event.productId());
        listings.invalidate(event.categoryId());
        listings.invalidate(ALL);
    }

    @Override
    public List<Product> products(List<String> ids) {
        Set<String> unique = new LinkedHashSet<>(ids);
        if (unique.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " products at once, got " + unique.size());
        }
        // one query for the products no tier holds; an unknown SKU has no value and is left out
        Map<String, Product> found = cachedProducts.getAll(unique, missing -> {
            Map<String, Product> byId = new LinkedHashMap<>();
            load(List.copyOf(missing)).forEach(p -> byId.put(p.id(), p));
            return byId;
        });
        return List.copyOf(found.values());
    }

    /** The products that exist among {@code ids}, from the store. */
    private List<Product> load(List<String> ids) {
        Set<String> unique = new LinkedHashSet<>(ids);
        if (unique.isEmpty()) {
            return List.of();
        }
        Map<String, Product> byId = store.read(c -> {
            String marks = String.join(", ", Collections.nCopies(unique.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("select " + PRODUCT_COLUMNS + " from product where id in (" + marks + ")")) {
                bind(ps, List.copyOf(unique), 1);
                Map<String, Product> result = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Product product = product(rs);
                        result.put(product.id(), product);
                    }
                }
                return result;
            }
        });
        return unique.stream().filter(byId::containsKey).map(byId::get).toList();
    }

    private static boolean categoryExists(Connection c, String categoryId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from category where id = ?")) {
            ps.setString(1, categoryId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int bind(PreparedStatement ps, List<String> values, int first) throws SQLException {
        int index = first;
        for (String value : values) {
            ps.setString(index++, value);
        }
        return index;
    }

    private static Product product(ResultSet rs) throws SQLException {
        return new Product(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBigDecimal(5));
    }
}
