package io.cleave.shop;

import org.junit.jupiter.api.Nested;

/** The customer journey on the embedded database, in every topology. */
class CustomerJourneyTest {

    @Nested
    class Single extends CustomerJourneyContract {
        @Override
        Topology topology() {
            return Topology.SINGLE;
        }
    }

    @Nested
    class SingleSerialized extends CustomerJourneyContract {
        @Override
        Topology topology() {
            return Topology.SINGLE_SERIALIZED;
        }
    }
}
