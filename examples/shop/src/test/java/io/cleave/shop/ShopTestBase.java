package io.cleave.shop;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Starts the shop once for a test class, in the topology the concrete class names, and stops
 * it when the class is done. Test classes declare one {@code @Nested} subclass per topology, so
 * the same test bodies run in each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ShopTestBase {

    RunningShop shop;

    /** Where the components run. */
    abstract Topology topology();

    /** Settings over the test defaults, as dotted keys and TOML values. */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeAll
    void startShop() {
        shop = RunningShop.start(topology(), settings());
    }

    @AfterAll
    void stopShop() {
        if (shop != null) {
            shop.close();
        }
    }
}
