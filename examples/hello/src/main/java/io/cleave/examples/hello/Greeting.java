package io.cleave.examples.hello;

/**
 * What the greeter says.
 *
 * @param text the greeting
 * @param visits how many times this visitor has been greeted, this time included
 */
public record Greeting(String text, long visits) {
}
