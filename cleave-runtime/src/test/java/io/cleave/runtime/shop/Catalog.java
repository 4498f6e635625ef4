package io.cleave.runtime.shop;

import io.cleave.Component;

@Component
public interface Catalog {
    int price(String item);
}
