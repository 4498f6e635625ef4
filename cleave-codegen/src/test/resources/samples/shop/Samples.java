package shop;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Values the tests round-trip. */
public final class Samples {
    private Samples() {
    }

    public static Category tree() {
        return new Category("all", List.of(new Category("books", List.of()),
                new Category("music", List.of(new Category("jazz", List.of())))));
    }

    public static Order order(long id) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("z", 1);
        counts.put("a", -2);
        Set<Status> history = new LinkedHashSet<>(List.of(Status.PAID, Status.NEW));
        Line line = new Line("SKU-1 ünïcödé", 3, new BigDecimal("19.99"), Long.MIN_VALUE);
        Line huge = new Line("x".repeat(300), Integer.MIN_VALUE, new BigDecimal("123456789012345678901234567890.123"), 7);
        return new Order(id, new Customer(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "Ada", Optional.of("ada@example.com")),
                List.of(line, huge), counts, history, Status.SHIPPED, Instant.parse("2024-05-06T07:08:09.123456789Z"),
                Duration.ofMillis(-1500), new BigInteger("-98765432109876543210"), new BigDecimal("-0.000"),
                new byte[] {0, -1, 127, -128}, Optional.of(new Order.Note("leave at door", tree())), 42, Boolean.FALSE,
                -2.5, 1.25f, true, 'é', (short) -300, (byte) -7,
                Map.of(Status.NEW, List.of(Optional.of(line), Optional.empty())));
    }

    /** Nulls, empties and zeroes wherever the type allows. */
    public static Order sparse() {
        return new Order(0, null, List.of(), Map.of(), Set.of(), null, null, null, null, null, null, Optional.empty(),
                null, null, 0, 0, false, (char) 0, (short) 0, (byte) 0, Map.of());
    }
}
