package io.cleave.runtime.refs;

import io.cleave.Component;

@Component
public interface Chicken {
    String name();

    String firstEgg();
}
