package io.cleave.kube.app;

import io.cleave.Component;

/** Called by nobody but the deployment: only a test's client reaches it. */
@Component
public interface Audit {

    /** @return how many entries there are */
    int entries();
}
