package io.cleave.shop;

/**
 * Where the shop's components run during a test. Mirrors cleave-test's topologies; the
 * multi-process one joins when its deployer exists.
 */
enum Topology {
    /** One JVM, plain method calls between components. */
    SINGLE(false),
    /** One JVM, every call between components encoded and decoded as if remote. */
    SINGLE_SERIALIZED(true);

    private final boolean serializeCalls;

    Topology(boolean serializeCalls) {
        this.serializeCalls = serializeCalls;
    }

    boolean serializeCalls() {
        return serializeCalls;
    }
}
