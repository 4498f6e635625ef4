package io.cleave.shop;

import io.cleave.test.CleaveTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CustomerJourneyTest} on PostgreSQL, in every topology: each class and topology gets a
 * fresh database (every component in its own schema), dropped afterwards. Skipped loudly when
 * PostgreSQL is unreachable, failed under {@code CI=true}.
 */
@CleaveTest(config = ShopSettings.CONFIG, settings = ShopOnPostgres.class)
class CustomerJourneyOnPostgresTest extends CustomerJourneyTest {

    @BeforeAll
    static void requirePostgres() {
        PostgresDatabase.requireServer();
    }
}
