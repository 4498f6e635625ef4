package shop;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every supported kind of field. */
public record Order(long id, Customer customer, List<Line> lines, Map<String, Integer> counts, Set<Status> history,
        Status status, Instant placed, Duration ttl, BigInteger big, BigDecimal total, byte[] signature,
        Optional<Note> note, Integer maybe, Boolean flag, double weight, float ratio, boolean gift, char grade,
        short small, byte tiny, Map<Status, List<Optional<Line>>> nested) {

    /** A nested record. */
    public record Note(String text, Category category) {
    }
}
