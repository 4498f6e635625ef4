package io.cleave.test.app;

public record LibraryConfig(String name, int capacity) {
}
