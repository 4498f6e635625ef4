package io.cleave.shop;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link ShopSettings} on PostgreSQL: a fresh database per test class and topology (every
 * component in its own schema there), dropped after the class. Classes using it call
 * {@link PostgresDatabase#requireServer()} in a {@code @BeforeAll}.
 */
public final class ShopOnPostgres extends ShopSettings {

    /** Creates it; cleave-test does, once per class and topology. */
    public ShopOnPostgres() {
    }

    @Override
    public Map<String, String> settings(Context context) throws Exception {
        PostgresDatabase database = PostgresDatabase.create(context.testClass().getSimpleName().replace("OnPostgresTest", "").replace("Test", "")
                + "_" + context.topology());
        context.closeAfter(database);
        Map<String, String> settings = new HashMap<>(super.settings(context));
        settings.putAll(database.settings());
        settings.putAll(ONE_REPLICA_EACH);
        return settings;
    }
}
