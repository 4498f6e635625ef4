package io.cleave.kube.app;

import io.cleave.Component;

/** Places orders, taking stock. */
@Component
public interface Orders {

    /**
     * @param sku the item ordered
     * @return what is left of it
     */
    int place(String sku);
}
