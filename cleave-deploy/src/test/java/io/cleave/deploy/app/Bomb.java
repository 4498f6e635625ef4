package io.cleave.deploy.app;

import io.cleave.Component;

/** A component that cannot start when configured to explode: the crash-loop case. */
@Component
public interface Bomb {

    /** @return "tick" */
    String tick();
}
