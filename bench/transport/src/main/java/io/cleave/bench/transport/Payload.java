package io.cleave.bench.transport;

import io.cleave.Component;

/** The benchmarked component: echoes ~100 bytes. */
@Component
public interface Payload {

    byte[] echo(byte[] payload);
}
