package io.cleave.runtime.dup;

import io.cleave.Component;

@Component(name = "Greeter")
public interface Impostor {
    String greet(String name);
}
