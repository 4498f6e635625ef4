package shop;

import java.math.BigDecimal;

public record Line(String sku, int quantity, BigDecimal price, long productId) {
}
