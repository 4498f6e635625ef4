package io.cleave.runtime.refs;

import io.cleave.Component;

@Component
public interface Egg {
    String label();

    String mother();
}
