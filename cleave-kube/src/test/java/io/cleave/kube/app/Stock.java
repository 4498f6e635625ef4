package io.cleave.kube.app;

import io.cleave.Component;

/** Counts items in stock. */
@Component
public interface Stock {

    /**
     * @param sku the item
     * @return how many are left after taking one
     */
    int take(String sku);
}
