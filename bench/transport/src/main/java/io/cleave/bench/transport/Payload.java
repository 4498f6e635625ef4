package io.cleave.bench.transport;

import io.cleave.Component;
import io.cleave.Idempotent;

/** The benchmarked component: echoes ~100 bytes. */
@Component
public interface Payload {

    @Idempotent
    byte[] echo(byte[] payload);
}
