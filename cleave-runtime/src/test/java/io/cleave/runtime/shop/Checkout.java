package io.cleave.runtime.shop;

import io.cleave.Component;

@Component
public interface Checkout {
    String checkout();
}
