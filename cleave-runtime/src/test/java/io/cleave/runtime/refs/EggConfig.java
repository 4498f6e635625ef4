package io.cleave.runtime.refs;

public record EggConfig(boolean eager) {
}
