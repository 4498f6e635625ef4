package io.cleave.observe.app;

import io.cleave.Component;

/** Always fails, so a breaker on the calls to it opens. */
@Component
public interface Flaky {

    /** @throws IllegalStateException always */
    void fail();
}
