package io.cleave.observe.app;

/** Fails. */
public final class FlakyImpl implements Flaky {

    /** Creates it. */
    public FlakyImpl() {
    }

    @Override
    public void fail() {
        throw new IllegalStateException("flaky");
    }
}
