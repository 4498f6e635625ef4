package io.cleave.shop;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** The customer journey on PostgreSQL (each component in its own schema of a fresh database), in every topology. */
class CustomerJourneyOnPostgresTest {

    abstract static class OnPostgres extends CustomerJourneyContract {

        private PostgresDatabase database;

        @Override
        Map<String, String> settings() {
            database = PostgresDatabase.create();
            return database.settings();
        }

        @Override
        @AfterAll
        void stopShop() {
            try {
                super.stopShop();
            } finally {
                if (database != null) {
                    database.close();
                }
            }
        }
    }

    @Nested
    class Single extends OnPostgres {
        @Override
        Topology topology() {
            return Topology.SINGLE;
        }
    }

    @Nested
    class SingleSerialized extends OnPostgres {
        @Override
        Topology topology() {
            return Topology.SINGLE_SERIALIZED;
        }
    }
}
