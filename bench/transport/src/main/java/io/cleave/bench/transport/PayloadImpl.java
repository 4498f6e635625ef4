package io.cleave.bench.transport;

/** What the benchmark server hosts: the payload back, untouched. */
final class PayloadImpl implements Payload {

    /** Creates it; it needs nothing. */
    public PayloadImpl() {
    }

    @Override
    public byte[] echo(byte[] payload) {
        return payload;
    }
}
