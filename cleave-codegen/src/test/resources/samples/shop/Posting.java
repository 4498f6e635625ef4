package shop;

import java.math.BigDecimal;
import java.util.List;

/** Reachable only as a runtime service's type argument. */
public record Posting(String account, BigDecimal amount, List<String> tags) {
}
