package io.cleave.examples.hello;

/**
 * The {@code [Greeter]} section of cleave.toml.
 *
 * @param greeting the word to greet with
 * @param shout whether to greet in capitals
 */
public record GreeterConfig(String greeting, boolean shout) {

    /** @return the values used for keys the file leaves out */
    public static GreeterConfig defaults() {
        return new GreeterConfig("Hello", false);
    }
}
