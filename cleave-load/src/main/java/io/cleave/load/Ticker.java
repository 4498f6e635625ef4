package io.cleave.load;

/** A monotonic time source in nanoseconds. Injected so that pacing can be tested exactly. */
@FunctionalInterface
interface Ticker {

    /** The system's monotonic clock. */
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary fixed origin; never decreases. */
    long nanoTime();
}
