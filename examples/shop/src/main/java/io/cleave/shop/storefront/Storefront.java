package io.cleave.shop.storefront;

import io.cleave.Component;

/**
 * The shop's front door on the {@code web} listener: the JSON API under {@code /api} and the
 * browser storefront (static HTML and JavaScript calling that API). It owns no data; it
 * authenticates requests, calls the other components and turns their answers and failures
 * into HTTP. Recommendations are optional here: when they fail the product page still renders.
 */
@Component
public interface Storefront {

    /**
     * Where the storefront serves, such as {@code http://127.0.0.1:8080/}.
     *
     * @return the base URL
     */
    String address();
}
