package io.cleave.runtime.shop;

import io.cleave.Component;

@Component
public interface Cart {
    int add(String item);
}
