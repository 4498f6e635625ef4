package io.cleave.runtime.cycle;

import io.cleave.Component;

@Component
public interface Ping {
    String ping();
}
