package io.cleave.shop;

import org.junit.jupiter.api.Nested;

/** The checkout saga on the embedded database, in every topology. */
class CheckoutSagaTest {

    @Nested
    class Single extends CheckoutSagaContract {
        @Override
        Topology topology() {
            return Topology.SINGLE;
        }
    }

    @Nested
    class SingleSerialized extends CheckoutSagaContract {
        @Override
        Topology topology() {
            return Topology.SINGLE_SERIALIZED;
        }
    }
}
