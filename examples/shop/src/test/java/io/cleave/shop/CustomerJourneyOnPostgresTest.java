package io.cleave.shop;

import java.util.Map;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The customer journey on PostgreSQL (every component in its own schema of a fresh database), in every topology. */
@ParameterizedClass(name = "[{0}]")
@EnumSource(Topology.class)
class CustomerJourneyOnPostgresTest extends CustomerJourneyContract {

    private static PostgresDatabase database;
    private static RunningShop shop;

    CustomerJourneyOnPostgresTest(Topology topology) {
    }

    @BeforeParameterizedClassInvocation
    static void startShop(Topology topology) {
        database = PostgresDatabase.create();
        shop = RunningShop.start(topology, database.settings());
    }

    @AfterParameterizedClassInvocation
    static void stopShop() {
        try {
            if (shop != null) {
                shop.close();
            }
        } finally {
            shop = null;
            if (database != null) {
                database.close();
                database = null;
            }
        }
    }

    @Override
    RunningShop shop() {
        return shop;
    }
}
