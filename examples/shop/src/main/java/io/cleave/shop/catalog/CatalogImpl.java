package io.cleave.shop.catalog;

import io.cleave.Lifecycle;
import io.cleave.Store;
import io.cleave.StoreException;
import io.cleave.shop.InvalidInputException;
import io.cleave.shop.demo.DemoCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    private final Store store;
    private final System.Logger log;

    /**
     * Creates the component.
     *
     * @param store its own store
     * @param log where it reports seeding
     */
    public CatalogImpl(Store store, System.Logger log) {
        this.store = store;
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

    @Override
    public Product product(String id) throws UnknownProductException {
        List<Product> found = products(List.of(id));
        if (found.isEmpty()) {
            throw new UnknownProductException("no product \"" + id + "\"");
        }
        return found.get(0);
    }

    @Override
    public List<Product> products(List<String> ids) {
        Set<String> unique = new LinkedHashSet<>(ids);
        if (unique.isEmpty()) {
            return List.of();
        }
        if (unique.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " products at once, got " + unique.size());
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
