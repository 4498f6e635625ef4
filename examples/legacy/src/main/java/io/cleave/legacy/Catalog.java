package io.cleave.legacy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The products, from the {@code product} table. */
final class Catalog {

    private static final String COLUMNS = "SELECT id, name, price_cents, stock FROM product";

    private final Database database;

    Catalog(Database database) {
        this.database = database;
    }

    /**
     * The products whose name contains a text, ignoring case; {@code %} and {@code _} match themselves.
     *
     * @param text what the name must contain; empty for every product
     * @return the matching products by id
     * @throws SQLException when the database fails
     */
    List<Product> search(String text) throws SQLException {
        String pattern = "%" + text.toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement(COLUMNS + " WHERE LOWER(name) LIKE ? ESCAPE '\\' ORDER BY id")) {
            s.setString(1, pattern);
            try (ResultSet rs = s.executeQuery()) {
                List<Product> products = new ArrayList<>();
                while (rs.next()) {
                    products.add(product(rs));
                }
                return products;
            }
        }
    }

    /**
     * One product.
     *
     * @param id its number
     * @return it, or empty when there is none with that number
     * @throws SQLException when the database fails
     */
    Optional<Product> product(long id) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement s = c.prepareStatement(COLUMNS + " WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(product(rs)) : Optional.empty();
            }
        }
    }

    private static Product product(ResultSet rs) throws SQLException {
        return new Product(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4));
    }
}
