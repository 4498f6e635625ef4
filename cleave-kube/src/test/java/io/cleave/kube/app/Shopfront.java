package io.cleave.kube.app;

import io.cleave.Component;

/** The edge: an HTTP route that places an order. */
@Component
public interface Shopfront {

    /** @return the path of its route */
    String route();
}
