package shop;

import java.time.Duration;
import java.util.List;

public record CatalogConfig(String greeting, int maxConnections, Duration timeout, Status initialStatus,
        List<String> tags, Integer limit, long big, boolean open, double ratio, short small, String httpURLPath) {

    public static CatalogConfig defaults() {
        return new CatalogConfig("hi", 8, Duration.ofSeconds(2), Status.NEW, List.of("a"), null, 1L, true, 0.5,
                (short) 3, "/");
    }
}
