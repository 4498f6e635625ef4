package io.cleave.deploy.app;

/**
 * The [Greeter] section.
 *
 * @param greeting the word to greet with
 */
public record GreeterConfig(String greeting) {

    /** @return the defaults */
    public static GreeterConfig defaults() {
        return new GreeterConfig("Hello");
    }
}
