package io.cleave.shop;

import java.util.Map;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The customer journey on the embedded database, in every topology. */
@ParameterizedClass(name = "[{0}]")
@EnumSource(Topology.class)
class CustomerJourneyTest extends CustomerJourneyContract {

    private static RunningShop shop;

    CustomerJourneyTest(Topology topology) {
    }

    @BeforeParameterizedClassInvocation
    static void startShop(Topology topology) {
        shop = RunningShop.start(topology, Map.of());
    }

    @AfterParameterizedClassInvocation
    static void stopShop() {
        shop.close();
    }

    @Override
    RunningShop shop() {
        return shop;
    }
}
