package io.cleave.runtime.greet;

import io.cleave.Component;
import java.time.Instant;

@Component
public interface Greeter {
    String greet(String name);

    int maxConnections();

    Instant now();
}
