package io.cleave.runtime.shop;

public record CheckoutConfig(boolean failOnStart, boolean failInConstructor) {
}
