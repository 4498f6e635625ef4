package io.cleave.runtime.greet;

public record GreeterConfig(String greeting, int times, int maxConnections) {
}
